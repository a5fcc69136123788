package io.vigil.store.config;

import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigRepositoryTest {

    @StoreTest
    void everySaveIncrementsTheVersionAndLoadReturnsTheLatest(Database db) {
        ConfigRepository repo = new ConfigRepository(db);
        assertThat(repo.load("running")).isEmpty();

        assertThat(repo.save("running", "monitors: []")).isEqualTo(1);
        assertThat(repo.save("running", "monitors: [a]")).isEqualTo(2);
        assertThat(repo.save("other", "x")).isEqualTo(1);

        ConfigDocument doc = repo.load("running").orElseThrow();
        assertThat(doc.content()).isEqualTo("monitors: [a]");
        assertThat(doc.version()).isEqualTo(2);
        assertThat(doc.updatedAt()).isNotNull();
    }
}

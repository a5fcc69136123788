package io.vigil.store.detection;

import io.vigil.engine.ChangeKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.dependency.Dependency;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;
import java.util.List;

/** Silences, dependencies and held events round-trip on H2 and PostgreSQL. */
class DetectionRepositoriesTest {

    private static void clean(Database db) {
        db.withConnection(c -> {
            try (var s = c.createStatement()) {
                s.executeUpdate("DELETE FROM silences");
                s.executeUpdate("DELETE FROM dependencies");
                s.executeUpdate("DELETE FROM held_events");
            }
            return null;
        });
    }

    @StoreTest
    void silencesRoundTripAndEndedOnesAreNotCurrent(Database db) {
        clean(db);
        SilenceRepository repo = new SilenceRepository(db);
        repo.insert(new Silence("s1", new SourceMatcher("hb", "vnf-*"), new SilenceWindow.Once(1000, 5000), "upgrade", "api"), 1);
        repo.insert(new Silence("s2", new SourceMatcher(null, "x"), new SilenceWindow.Once(100, 2000), null, "api"), 1);
        assertThat(repo.current(1500)).extracting(Silence::id).containsExactly("s2", "s1");
        Silence s1 = repo.current(3000).getFirst();
        assertThat(s1.matcher()).isEqualTo(new SourceMatcher("hb", "vnf-*"));
        assertThat(s1.window()).isEqualTo(new SilenceWindow.Once(1000, 5000));
        assertThat(s1.comment()).isEqualTo("upgrade");
        assertThat(repo.delete("s1")).isTrue();
        assertThat(repo.delete("s1")).isFalse();
        assertThat(repo.pruneEnded(2000)).isEqualTo(1);
        assertThat(repo.current(0)).isEmpty();
    }

    @StoreTest
    void dependenciesRoundTrip(Database db) {
        clean(db);
        DependencyRepository repo = new DependencyRepository(db);
        Dependency d = new Dependency("d1", new SourceMatcher("hb", "vnf-*"), new SourceKey("site", "a"), "api");
        repo.insert(d, 5);
        assertThat(repo.all()).containsExactly(d);
        assertThat(repo.delete("d1")).isTrue();
        assertThat(repo.all()).isEmpty();
    }

    @StoreTest
    void heldEventsAreAppendedOnceAndListedInOrder(Database db) {
        clean(db);
        HeldEventRepository repo = new HeldEventRepository(db);
        ChangeEvent onset = new ChangeEvent("e1", new SourceKey("hb", "a"), LivenessState.ALIVE, LivenessState.MISSING,
                1000, 10, "o1", 1000, 0, "silent; held: silence s1", ChangeKind.ONSET, false);
        repo.append(List.of(onset));
        repo.append(List.of(onset)); // a retried write
        assertThat(repo.recent(0, 10)).singleElement().satisfies(h -> {
            assertThat(h.kind()).isEqualTo("ONSET");
            assertThat(h.outageId()).isEqualTo("o1");
            assertThat(h.reason()).contains("silence s1");
        });
        assertThat(repo.prune(2000)).isEqualTo(1);
    }
}

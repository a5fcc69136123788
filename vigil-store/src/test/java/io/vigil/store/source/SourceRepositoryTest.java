package io.vigil.store.source;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SourceRepositoryTest {

    static SourceSnapshot alive(String event, String source, long lastSeen) {
        return new SourceSnapshot(new SourceKey(event, source), LivenessState.ALIVE, lastSeen, null, 0);
    }

    @StoreTest
    void checkpointInsertsThenUpdatesAndReloadReturnsTheLatestState(Database db) {
        SourceRepository repo = new SourceRepository(db);
        repo.checkpoint(List.of(alive("hb", "a", 1_000), alive("hb", "b", 2_000)));
        repo.checkpoint(List.of(
                new SourceSnapshot(new SourceKey("hb", "a"), LivenessState.MISSING, 1_500, "outage-1", 9_000)));

        assertThat(repo.loadAll()).containsExactlyInAnyOrder(
                new SourceSnapshot(new SourceKey("hb", "a"), LivenessState.MISSING, 1_500, "outage-1", 9_000),
                alive("hb", "b", 2_000));
    }

    @StoreTest
    void lastSeenNeverMovesBackwards(Database db) {
        SourceRepository repo = new SourceRepository(db);
        repo.checkpoint(List.of(alive("hb", "a", 5_000)));
        repo.checkpoint(List.of(alive("hb", "a", 4_000)));
        assertThat(repo.loadAll()).containsExactly(alive("hb", "a", 5_000));
    }

    @StoreTest
    void theLastSnapshotOfAKeyWinsWithinOneCheckpoint(Database db) {
        SourceRepository repo = new SourceRepository(db);
        repo.checkpoint(List.of(alive("hb", "a", 1_000),
                new SourceSnapshot(new SourceKey("hb", "a"), LivenessState.MISSING, 1_000, "o", 7)));
        assertThat(repo.loadAll()).extracting(SourceSnapshot::state).containsExactly(LivenessState.MISSING);
    }

    @StoreTest
    void checkpointLargerThanOneBatchStoresEveryRow(Database db) {
        SourceRepository repo = new SourceRepository(db);
        List<SourceSnapshot> rows = new ArrayList<>();
        for (int i = 0; i < SourceRepository.BATCH * 2 + 17; i++) rows.add(alive("hb", "s" + i, i));
        repo.checkpoint(rows);
        repo.checkpoint(rows); // all updates the second time
        assertThat(repo.loadAll()).containsExactlyInAnyOrderElementsOf(rows);
    }

    @StoreTest
    void oneUpsertOfStoredAndNewSourcesUpdatesTheStoredAndInsertsTheNew(Database db) {
        SourceRepository repo = new SourceRepository(db);
        List<SourceSnapshot> stored = new ArrayList<>();
        for (int i = 0; i < SourceRepository.BATCH + 5; i += 2) stored.add(alive("hb", String.format("s%05d", i), 5_000));
        repo.checkpoint(stored);

        List<SourceSnapshot> storm = new ArrayList<>(); // every source, stored or not, in one write (an ONSET storm)
        for (int i = 0; i < SourceRepository.BATCH + 5; i++) {
            storm.add(new SourceSnapshot(new SourceKey("hb", String.format("s%05d", i)), LivenessState.MISSING, 4_000,
                    "outage-" + i, 9_000));
        }
        db.inTransaction(c -> {
            repo.upsert(c, storm);
            return null;
        });

        List<SourceSnapshot> expected = new ArrayList<>();
        for (int i = 0; i < storm.size(); i++) {
            SourceSnapshot s = storm.get(i);
            long lastSeen = i % 2 == 0 ? 5_000 : 4_000; // a stored lastSeen never moves backwards
            expected.add(new SourceSnapshot(s.key(), s.state(), lastSeen, s.outageId(), s.alarmStartMillis()));
        }
        assertThat(repo.loadAll()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @StoreTest
    void deleteForgetsSourcesByKeyAndByEventName(Database db) {
        SourceRepository repo = new SourceRepository(db);
        repo.checkpoint(List.of(alive("hb", "a", 1), alive("hb", "b", 1), alive("other", "c", 1), alive("x", "d", 1)));

        repo.delete(List.of(new SourceKey("hb", "a"), new SourceKey("hb", "unknown")));
        int removed = repo.deleteEventName("other");

        assertThat(removed).isEqualTo(1);
        assertThat(repo.loadAll()).containsExactlyInAnyOrder(alive("hb", "b", 1), alive("x", "d", 1));
    }
}

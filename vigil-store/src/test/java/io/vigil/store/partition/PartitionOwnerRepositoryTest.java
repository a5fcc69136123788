package io.vigil.store.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.store.testing.StoreTest;
import java.util.List;
import java.util.Map;
import java.util.Set;

class PartitionOwnerRepositoryTest {
    private static final String TOPIC = "hb";

    /** Sources "p0-…" live in partition 0, "p1-…" in partition 1 (a stand-in for Kafka's partitioner). */
    private static int partitionOf(String source) {
        return source.charAt(1) - '0';
    }

    private static PartitionFence fence(Map<Integer, Long> epochs) {
        return new PartitionFence(TOPIC, epochs, PartitionOwnerRepositoryTest::partitionOf);
    }

    private static SourceSnapshot alive(String source) {
        return new SourceSnapshot(new SourceKey("ev", source), LivenessState.ALIVE, 1_000, null, 0);
    }

    private static OutboxEntry onset(String id, String source) {
        return new OutboxEntry(id, "ev", source, "ONSET", "{}", 2_000);
    }

    @StoreTest
    void everyAssignmentIncrementsThePartitionEpochWhoeverTakesIt(Database db) {
        var repo = new PartitionOwnerRepository(db);
        assertThat(repo.take(TOPIC, List.of(0, 1), "a")).isEqualTo(Map.of(0, 1L, 1, 1L));
        assertThat(repo.take(TOPIC, List.of(1), "b")).isEqualTo(Map.of(1, 2L));
        assertThat(repo.take(TOPIC, List.of(1), "b")).isEqualTo(Map.of(1, 3L));
        repo.release(TOPIC, List.of(0), "a");
        repo.release(TOPIC, List.of(1), "a"); // not a's any more: unchanged
        assertThat(repo.all(TOPIC)).extracting(PartitionOwner::partition, PartitionOwner::owner, PartitionOwner::epoch)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, null, 1L), org.assertj.core.groups.Tuple.tuple(1, "b", 3L));
    }

    @StoreTest
    void aWriteForAPartitionTakenByAnotherInstanceIsRefusedAndWritesNothing(Database db) {
        var repo = new PartitionOwnerRepository(db);
        var writer = new StateWriter(db);
        PartitionFence a = fence(repo.take(TOPIC, List.of(0, 1), "a"));
        writer.commitOwned(a, List.of(alive("p0-x"), alive("p1-y")), List.of(onset("e1", "p1-y")));

        PartitionFence b = fence(repo.take(TOPIC, List.of(1), "b"));
        assertThatThrownBy(() -> writer.commitOwned(a, List.of(alive("p0-x"), alive("p1-z")), List.of(onset("e2", "p1-z"))))
                .isInstanceOfSatisfying(StalePartitionException.class, e -> assertThat(e.partitions()).isEqualTo(Set.of(1)));
        // a keeps partition 0; b writes partition 1
        writer.commitOwned(a.without(Set.of(1)), List.of(alive("p0-w")), List.of());
        writer.commitOwned(b, List.of(), List.of(onset("e3", "p1-y")));

        assertThat(new SourceRepository(db).loadAll()).extracting(s -> s.key().sourceName())
                .containsExactlyInAnyOrder("p0-x", "p1-y", "p0-w");
        assertThat(new OutboxRepository(db).recent(0, 10)).extracting(r -> r.eventId()).containsExactly("e1", "e3");
    }

    @StoreTest
    void aWriteForAPartitionNobodyWasEverAssignedIsRefused(Database db) {
        var writer = new StateWriter(db);
        new PartitionOwnerRepository(db).take(TOPIC, List.of(0), "a");
        assertThatThrownBy(() -> writer.commitOwned(fence(Map.of(1, 1L)), List.of(alive("p1-y")), List.of()))
                .isInstanceOf(StalePartitionException.class);
    }
}

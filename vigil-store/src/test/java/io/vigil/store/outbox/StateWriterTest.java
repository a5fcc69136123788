package io.vigil.store.outbox;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.StoreException;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.source.SourceRepository;
import io.vigil.store.testing.StoreTest;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateWriterTest {

    static final SourceSnapshot MISSING_A =
            new SourceSnapshot(new SourceKey("hb", "a"), LivenessState.MISSING, 1_000, "outage-a", 4_000);

    static OutboxEntry onset(String id, String source) {
        return new OutboxEntry(id, "hb", source, "ONSET", "{\"id\":\"" + id + "\"}", 4_000);
    }

    static long becomeActive(Database db, String owner) {
        return new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, owner, Duration.ofMinutes(1))
                .orElseThrow().epoch();
    }

    @StoreTest
    void commitWritesStatesAndOutboxRowsTogether(Database db) {
        long epoch = becomeActive(db, "me");
        new StateWriter(db).commit(List.of(MISSING_A), List.of(onset("e1", "a")), epoch);

        assertThat(new SourceRepository(db).loadAll()).containsExactly(MISSING_A);
        assertThat(new OutboxRepository(db).recent(0, 10))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.eventId()).isEqualTo("e1");
                    assertThat(r.kind()).isEqualTo("ONSET");
                    assertThat(r.payload()).isEqualTo("{\"id\":\"e1\"}");
                    assertThat(r.createdAtMillis()).isEqualTo(4_000);
                });
    }

    @StoreTest
    void aFailingOutboxRowRollsBackTheStateChange(Database db) {
        long epoch = becomeActive(db, "me");
        OutboxEntry tooLong = new OutboxEntry("e1", "hb", "a", "X".repeat(500), "{}", 4_000); // kind is VARCHAR(32)

        assertThatThrownBy(() -> new StateWriter(db).commit(List.of(MISSING_A), List.of(tooLong), epoch))
                .isInstanceOf(StoreException.class);

        assertThat(new SourceRepository(db).loadAll()).isEmpty();
        assertThat(new OutboxRepository(db).headSeq()).isZero();
    }

    @StoreTest
    void staleEpochIsRefusedAndNothingIsWritten(Database db) {
        long old = becomeActive(db, "old");
        LeaseRepository leases = new LeaseRepository(db);
        leases.release(LeaseRepository.ACTIVE, "old");
        long current = becomeActive(db, "new");
        assertThat(current).isGreaterThan(old);

        assertThatThrownBy(() -> new StateWriter(db).commit(List.of(MISSING_A), List.of(onset("e1", "a")), old))
                .isInstanceOfSatisfying(StaleEpochException.class, e -> {
                    assertThat(e.offeredEpoch()).isEqualTo(old);
                    assertThat(e.currentEpoch()).isEqualTo(current);
                });

        assertThat(new SourceRepository(db).loadAll()).isEmpty();
        assertThat(new OutboxRepository(db).recent(0, 10)).isEmpty();
    }

    @StoreTest
    void commitWithoutAnActiveLeaseIsRefused(Database db) {
        assertThatThrownBy(() -> new StateWriter(db).commit(List.of(MISSING_A), List.of(), 0))
                .isInstanceOf(StaleEpochException.class)
                .hasMessageContaining("acquire it");
        assertThat(new SourceRepository(db).loadAll()).isEmpty();
    }

    @StoreTest
    void retryingACommitWithTheSameEventIdAddsNoSecondOutboxRow(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(MISSING_A), List.of(onset("e1", "a")), epoch);
        writer.commit(List.of(MISSING_A), List.of(onset("e1", "a"), onset("e2", "b")), epoch);

        assertThat(new OutboxRepository(db).recent(0, 10))
                .extracting(r -> r.eventId())
                .containsExactly("e1", "e2");
    }
}

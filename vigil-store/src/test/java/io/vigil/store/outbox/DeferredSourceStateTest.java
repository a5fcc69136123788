package io.vigil.store.outbox;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.source.SourceRepository;
import io.vigil.store.testing.StoreTest;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An alarm's outbox row carrying its source's state (migration V8): a restore sees it before the sources table caught
 * up, catching up never overwrites a newer state, and nothing it needs is pruned or brought back.
 */
class DeferredSourceStateTest {
    static final SourceKey A = new SourceKey("hb", "a");
    static final SourceSnapshot ALIVE_A = new SourceSnapshot(A, LivenessState.ALIVE, 1_000, null, 0);
    static final SourceSnapshot MISSING_A = new SourceSnapshot(A, LivenessState.MISSING, 1_000, "outage-1", 4_000);

    static OutboxEntry alarm(String id, SourceSnapshot state) {
        String kind = state.state() == LivenessState.MISSING ? "ONSET" : "ABATED";
        return new OutboxEntry(id, state.key().eventName(), state.key().sourceName(), kind, "{\"id\":\"" + id + "\"}",
                4_000, state);
    }

    static long becomeActive(Database db, String owner) {
        return new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, owner, Duration.ofMinutes(1)).orElseThrow().epoch();
    }

    /** The sources table alone, without the outbox's states laid over it. */
    static List<SourceSnapshot> table(Database db) {
        return db.withConnection(c -> {
            List<SourceSnapshot> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms FROM sources ORDER BY source_name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new SourceSnapshot(new SourceKey(rs.getString(1), rs.getString(2)),
                            LivenessState.valueOf(rs.getString(3)), rs.getLong(4), rs.getString(5), rs.getLong(6)));
                }
            }
            return out;
        });
    }

    @StoreTest
    void aRestoreSeesAnAlarmsStateBeforeTheTableCaughtUpAndTheSameAfter(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        SourceRepository sources = new SourceRepository(db);
        writer.commit(List.of(ALIVE_A), List.of(), epoch); // first heartbeat: the row exists

        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch);

        assertThat(table(db)).containsExactly(ALIVE_A); // not caught up yet
        assertThat(sources.loadAll()).containsExactly(MISSING_A);

        SourceRepository.Applied applied = writer.applyStates(epoch, 100);
        assertThat(applied.sources()).isEqualTo(1);
        assertThat(applied.more()).isFalse();
        assertThat(table(db)).containsExactly(MISSING_A);
        assertThat(sources.loadAll()).containsExactly(MISSING_A);
        assertThat(writer.applyStates(epoch, 100).sources()).isZero(); // the cursor moved past it
    }

    @StoreTest
    void aSourceWhoseFirstRowIsAnAlarmIsRestoredAndInserted(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch); // an expected source never heard from

        assertThat(new SourceRepository(db).loadAll()).containsExactly(MISSING_A);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).containsExactly(MISSING_A);
    }

    @StoreTest
    void theLatestRowOfASourceWinsAndCatchingUpGoesInChunks(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        SourceSnapshot abated = new SourceSnapshot(A, LivenessState.ALIVE, 9_000, null, 0);
        SourceSnapshot missingB = new SourceSnapshot(new SourceKey("hb", "b"), LivenessState.MISSING, 2_000, "outage-b", 5_000);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A), alarm("e2", missingB)), epoch);
        writer.commit(List.of(), List.of(alarm("e3", abated)), epoch);

        assertThat(new SourceRepository(db).loadAll()).containsExactlyInAnyOrder(abated, missingB);

        SourceRepository.Applied first = writer.applyStates(epoch, 2);
        assertThat(first.more()).isTrue();
        SourceRepository.Applied second = writer.applyStates(epoch, 2);
        assertThat(second.more()).isFalse();
        assertThat(table(db)).containsExactly(abated, missingB);
        assertThat(new SourceRepository(db).loadAll()).containsExactlyInAnyOrder(abated, missingB);
    }

    @StoreTest
    void aStateWrittenDirectlyAfterAnAlarmRowIsNotOverwrittenByIt(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(ALIVE_A), List.of(), epoch);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch); // published ONSET, table not caught up
        SourceSnapshot abated = new SourceSnapshot(A, LivenessState.ALIVE, 6_000, null, 0);
        writer.commit(List.of(), List.of(alarm("e2", abated)), epoch); // published ABATED
        // then a new outage held by a silence: recorded directly, never published
        SourceSnapshot held = new SourceSnapshot(A, LivenessState.MISSING, 6_000, "outage-2", 20_000);
        writer.commit(List.of(held), List.of(), epoch);

        assertThat(new SourceRepository(db).loadAll()).containsExactly(held);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).containsExactly(held);
        assertThat(new SourceRepository(db).loadAll()).containsExactly(held);
    }

    @StoreTest
    void aStateWrittenInTheSameCommitAsAnAlarmRowStandsOverIt(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        SourceSnapshot held = new SourceSnapshot(A, LivenessState.MISSING, 1_000, "outage-2", 20_000);
        writer.commit(List.of(held), List.of(alarm("e1", MISSING_A)), epoch);

        assertThat(new SourceRepository(db).loadAll()).containsExactly(held);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).containsExactly(held);
    }

    @StoreTest
    void catchingUpNeverMovesTheLastHeartbeatBack(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch);
        // a checkpoint wrote a later heartbeat time for the source meanwhile (same state)
        SourceSnapshot later = new SourceSnapshot(A, LivenessState.MISSING, 3_000, "outage-1", 4_000);
        new SourceRepository(db).checkpoint(List.of(later));
        writer.commit(List.of(), List.of(alarm("e2", new SourceSnapshot(A, LivenessState.ALIVE, 2_000, null, 0))), epoch);

        SourceSnapshot expected = new SourceSnapshot(A, LivenessState.ALIVE, 3_000, null, 0);
        assertThat(new SourceRepository(db).loadAll()).containsExactly(expected);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).containsExactly(expected);
    }

    @StoreTest
    void catchingUpIsFencedLikeACommit(Database db) {
        long old = becomeActive(db, "old");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), old);
        new LeaseRepository(db).release(LeaseRepository.ACTIVE, "old");
        long current = becomeActive(db, "new");

        assertThatThrownBy(() -> writer.applyStates(old, 100)).isInstanceOf(StaleEpochException.class);
        assertThat(table(db)).isEmpty();
        // the new active restores the state the old one committed, and catches up with it
        assertThat(new SourceRepository(db).loadAll()).containsExactly(MISSING_A);
        writer.applyStates(current, 100);
        assertThat(table(db)).containsExactly(MISSING_A);
    }

    @StoreTest
    void forgottenSourcesAreNotBroughtBackByTheirAlarmRows(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        SourceSnapshot other = new SourceSnapshot(new SourceKey("other", "x"), LivenessState.MISSING, 1_000, "o", 4_000);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A), alarm("e2", other)), epoch);

        new SourceRepository(db).deleteEventName("hb");

        assertThat(new SourceRepository(db).loadAll()).containsExactly(other);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).containsExactly(other);
        assertThat(new OutboxRepository(db).recent(0, 10)).hasSize(2); // the events themselves stay (events API)
    }

    @StoreTest
    void pruningKeepsRowsWhoseStateTheTableHasNotCaughtUpWith(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        OutboxRepository outbox = new OutboxRepository(db);
        writer.commit(List.of(), List.of(new OutboxEntry("plain", "hb", "z", "PLAN_EVENT", "{}", 4_000)), epoch);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch);
        outbox.acknowledge("webhook:x", outbox.headSeq()); // the only sink has everything

        assertThat(outbox.prune(Long.MAX_VALUE)).isEqualTo(1); // the row without a state goes, the alarm row waits
        assertThat(new SourceRepository(db).loadAll()).containsExactly(MISSING_A);

        writer.applyStates(epoch, 100);
        assertThat(outbox.prune(Long.MAX_VALUE)).isEqualTo(1);
        assertThat(new SourceRepository(db).loadAll()).containsExactly(MISSING_A);
    }

    @StoreTest
    void aCheckpointMovesTheLastHeartbeatButLeavesTheStateToTheEvents(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        SourceSnapshot held = new SourceSnapshot(A, LivenessState.MISSING, 1_000, "outage-2", 20_000);
        writer.commit(List.of(held), List.of(), epoch);

        writer.checkpoint(List.of(new SourceSnapshot(A, LivenessState.ALIVE, 5_000, null, 0)), epoch);

        SourceSnapshot expected = new SourceSnapshot(A, LivenessState.MISSING, 5_000, "outage-2", 20_000);
        assertThat(table(db)).containsExactly(expected);
        assertThat(new SourceRepository(db).loadAll()).containsExactly(expected);
    }

    @StoreTest
    void aCheckpointDoesNotMakeAnOnsetDurableBeforeItsEventIs(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(ALIVE_A), List.of(), epoch);
        // the engine decided the ONSET; its event waits in the journal's queue when the checkpoint runs; then a crash
        writer.checkpoint(List.of(new SourceSnapshot(A, LivenessState.MISSING, 2_000, "outage-1", 4_000)), epoch);

        SourceSnapshot restored = new SourceSnapshot(A, LivenessState.ALIVE, 2_000, null, 0);
        assertThat(new SourceRepository(db).loadAll()).as("ALIVE: the restarted engine decides the ONSET again")
                .containsExactly(restored);
    }

    @StoreTest
    void aCheckpointGivesASourceWithoutARowAnAliveOneThatItsAlarmRowsStandOver(Database db) {
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        writer.commit(List.of(), List.of(alarm("e1", MISSING_A)), epoch); // committed, the table not caught up
        writer.checkpoint(List.of(new SourceSnapshot(A, LivenessState.MISSING, 1_500, "outage-1", 4_000)), epoch);
        writer.checkpoint(List.of(new SourceSnapshot(new SourceKey("hb", "new"), LivenessState.ALIVE, 3_000, null, 0)), epoch);

        assertThat(table(db)).containsExactly(new SourceSnapshot(A, LivenessState.ALIVE, 1_500, null, 0),
                new SourceSnapshot(new SourceKey("hb", "new"), LivenessState.ALIVE, 3_000, null, 0));
        SourceSnapshot missing = new SourceSnapshot(A, LivenessState.MISSING, 1_500, "outage-1", 4_000);
        assertThat(new SourceRepository(db).loadAll()).contains(missing);
        writer.applyStates(epoch, 100);
        assertThat(table(db)).contains(missing);
    }

    @StoreTest
    void aCheckpointIsFencedLikeACommit(Database db) {
        long old = becomeActive(db, "old");
        new LeaseRepository(db).release(LeaseRepository.ACTIVE, "old");
        becomeActive(db, "new");
        assertThatThrownBy(() -> new StateWriter(db).checkpoint(List.of(ALIVE_A), old)).isInstanceOf(StaleEpochException.class);
        assertThat(table(db)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void anEntryCarriesOnlyItsOwnSourcesState() {
        assertThatThrownBy(() -> new OutboxEntry("e1", "hb", "b", "ONSET", "{}", 4_000, MISSING_A))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("its own source");
    }
}

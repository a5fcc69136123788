package io.vigil.store.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.testing.StoreTest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Permanent failures are told apart from transient ones on both databases; dead letters are stored safely. */
class DeadLettersTest {

    private static long active(Database db) {
        return new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "me", Duration.ofMinutes(1)).orElseThrow().epoch();
    }

    private static Throwable write(Database db, String eventName, String sourceName) {
        long epoch = active(db);
        var snap = new SourceSnapshot(new SourceKey(eventName, sourceName), LivenessState.MISSING, 1_000, "o", 2_000);
        var entry = new OutboxEntry("id-" + sourceName.hashCode(), eventName, sourceName, "ONSET", "{}", 2_000);
        return catchThrowable(() -> new StateWriter(db).commit(List.of(snap), List.of(entry), epoch));
    }

    @StoreTest
    void aNameTooLongForItsColumnIsAPermanentFailure(Database db) {
        Throwable t = write(db, "hb", "x".repeat(900_000));
        assertThat(t).isNotNull();
        assertThat(StoreErrors.isPermanent(t)).as(StoreErrors.describe(t)).isTrue();
        assertThat(StoreErrors.describe(t)).startsWith("SQLSTATE 22001");
        assertThat(StoreLimits.keyProblem("hb", "x".repeat(256))).contains("256 characters");
        assertThat(StoreLimits.keyProblem("hb", "x".repeat(255))).isNull();
    }

    @StoreTest
    void aConstraintViolationIsPermanentAndAClosedStoreIsTransient(Database db) throws Exception {
        try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
            s.executeUpdate("ALTER TABLE outbox ADD CONSTRAINT poison_test CHECK (source_name <> 'poison')");
        }
        try {
            Throwable t = write(db, "hb", "poison");
            assertThat(StoreErrors.isPermanent(t)).as(String.valueOf(t)).isTrue();
            assertThat(write(db, "hb", "fine")).isNull();
        } finally {
            try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
                s.executeUpdate("ALTER TABLE outbox DROP CONSTRAINT poison_test");
            }
        }
        assertThat(StoreErrors.isPermanent(new SQLException("connection refused", "08001"))).isFalse();
        assertThat(StoreErrors.isPermanent(new SQLException("deadlock", "40P01"))).isFalse();
        assertThat(StoreErrors.isPermanent(new RuntimeException("no state"))).isFalse();
        assertThat(StoreErrors.isPermanent(new RuntimeException(new SQLException("unique", "23505")))).isTrue();
        SQLException batch = new java.sql.BatchUpdateException("batch", "08000", new int[0]);
        batch.setNextException(new SQLException("too long", "22001"));
        assertThat(StoreErrors.isPermanent(batch)).isTrue();
    }

    @StoreTest
    void deadLettersAreStoredEvenWhenTheyHoldWhatTheStoreCannot(Database db) {
        DeadLetters d = db.deadLetters();
        long before = d.count(DeadLetterKind.CHANGE_EVENT);
        String poison = "a\u0000b\ud800c" + "y".repeat(900_000);
        d.record(DeadLetterKind.CHANGE_EVENT, "hb/" + poison, "{\"sourceName\":\"" + poison + "\"}", "too long", 5_000);
        assertThat(d.count(DeadLetterKind.CHANGE_EVENT)).isEqualTo(before + 1);
        var stored = d.recent(1).getFirst();
        assertThat(stored.kind()).isEqualTo("change_event");
        assertThat(stored.key()).startsWith("hb/a\\u0000b\\ud800c").hasSizeLessThanOrEqualTo(600);
        assertThat(stored.payload()).hasSizeLessThanOrEqualTo(64 * 1024);
        assertThat(stored.error()).isEqualTo("too long");
        assertThat(d.prune(6_000)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void storableNeverSplitsASurrogatePair() {
        String s = DeadLetters.storable("ab" + "\ud83d\ude00".repeat(10), 5);
        assertThat(s).hasSizeLessThanOrEqualTo(5);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) assertThat(Character.isLowSurrogate(s.charAt(i + 1))).isTrue();
        }
        assertThat(StoreLimits.keyProblem("hb", "a\u0000")).contains("NUL");
        assertThat(StoreLimits.keyProblem("hb", "a\udc00")).contains("surrogate");
        assertThat(StoreLimits.keyProblem("hb", "\ud83d\ude00")).isNull();
    }
}

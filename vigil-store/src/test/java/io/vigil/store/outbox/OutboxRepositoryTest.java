package io.vigil.store.outbox;

import io.vigil.delivery.OutboxRecord;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;

import java.util.List;

import static io.vigil.store.outbox.StateWriterTest.becomeActive;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxRepositoryTest {

    private static void append(Database db, long epoch, String id, long createdAt) {
        new StateWriter(db).commit(List.of(), List.of(new OutboxEntry(id, "hb", "s-" + id, "ONSET", "{}", createdAt)),
                epoch);
    }

    private static List<String> ids(List<OutboxRecord> records) {
        return records.stream().map(OutboxRecord::eventId).toList();
    }

    @StoreTest
    void eachSinkReadsInSeqOrderFromItsOwnCursor(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("webhook");
        outbox.cursor("dmaap");
        long epoch = becomeActive(db, "me");
        for (int i = 1; i <= 5; i++) append(db, epoch, "e" + i, i);

        List<OutboxRecord> webhook = outbox.pending("webhook", 3);
        assertThat(ids(webhook)).containsExactly("e1", "e2", "e3");
        assertThat(webhook).extracting(OutboxRecord::seq).isSorted();
        outbox.acknowledge("webhook", webhook.get(2).seq());

        assertThat(ids(outbox.pending("webhook", 10))).containsExactly("e4", "e5");
        assertThat(ids(outbox.pending("dmaap", 10))).containsExactly("e1", "e2", "e3", "e4", "e5");
    }

    @StoreTest
    void aNewSinkStartsAtTheCurrentEnd(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        long epoch = becomeActive(db, "me");
        append(db, epoch, "before", 1);

        assertThat(outbox.pending("late-sink", 10)).isEmpty();
        assertThat(outbox.cursor("late-sink")).isEqualTo(outbox.headSeq());

        append(db, epoch, "after", 2);
        assertThat(ids(outbox.pending("late-sink", 10))).containsExactly("after");
    }

    @StoreTest
    void theCursorNeverMovesBack(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("s");
        long epoch = becomeActive(db, "me");
        append(db, epoch, "e1", 1);
        append(db, epoch, "e2", 2);
        List<OutboxRecord> all = outbox.pending("s", 10);

        outbox.acknowledge("s", all.get(1).seq());
        outbox.acknowledge("s", all.get(0).seq());

        assertThat(outbox.cursor("s")).isEqualTo(all.get(1).seq());
        assertThat(outbox.pending("s", 10)).isEmpty();
    }

    @StoreTest
    void recentReturnsEventsSinceATimeOldestFirstUpToTheLimit(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        long epoch = becomeActive(db, "me");
        append(db, epoch, "e100", 100);
        append(db, epoch, "e200", 200);
        append(db, epoch, "e300", 300);
        append(db, epoch, "e400", 400);

        assertThat(ids(outbox.recent(200, 2))).containsExactly("e200", "e300");
        assertThat(ids(outbox.recent(401, 10))).isEmpty();
    }

    @StoreTest
    void pruneDeletesOnlyOldRowsThatEverySinkAcknowledged(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("fast");
        outbox.cursor("slow");
        long epoch = becomeActive(db, "me");
        for (int i = 1; i <= 4; i++) append(db, epoch, "e" + i, i * 100L);
        List<OutboxRecord> all = outbox.pending("fast", 10);
        outbox.acknowledge("fast", all.get(3).seq()); // fast has everything
        outbox.acknowledge("slow", all.get(1).seq()); // slow has e1, e2

        int deleted = outbox.prune(300); // e1, e2 are older than 300; e3 too young, e4 too

        assertThat(deleted).isEqualTo(2);
        assertThat(ids(outbox.recent(0, 10))).containsExactly("e3", "e4");
        assertThat(ids(outbox.pending("slow", 10))).containsExactly("e3", "e4");

        assertThat(outbox.prune(Long.MAX_VALUE)).isZero(); // slow still has not acknowledged e3, e4
        outbox.forgetSink("slow");
        assertThat(outbox.prune(Long.MAX_VALUE)).isEqualTo(2);
    }

    @StoreTest
    void headSeqIsZeroForAnEmptyOutboxAndThenTheLastSeq(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        assertThat(outbox.headSeq()).isZero();
        outbox.cursor("s");
        append(db, becomeActive(db, "me"), "e1", 1);
        assertThat(outbox.headSeq()).isEqualTo(outbox.pending("s", 1).get(0).seq());
    }

    // ------------------------------------------------------------------ the tail: just-committed rows from memory

    private static List<OutboxEntry> entries(String prefix, int n, long createdAt) {
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> new OutboxEntry(prefix + i, "hb", "src-" + prefix + i,
                "ONSET", "{\"event\":{\"n\":" + i + ",\"text\":\"é ü \\\" ✓\"}}", createdAt + i)).toList();
    }

    /** A row written by another process: committed to the store without this process's writers hearing of it. */
    private static void insertBehindTheWritersBacks(Database db, String id) {
        db.withConnection(c -> {
            try (var ps = c.prepareStatement("INSERT INTO outbox (event_id, event_name, source_name, kind, payload, epoch,"
                    + " created_at_ms, journaled_at_ms) VALUES (?, 'hb', ?, 'ONSET', '{}', 1, 1, 1)")) {
                ps.setString(1, id);
                ps.setString(2, "src-" + id);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * A writer under the lease and sink "s" registered after a first commit: an emptied outbox's head (0) is not
     * where its seqs go on, so the first commit after it is left to the store and the tail holds what follows.
     */
    private record Writing(OutboxRepository outbox, StateWriter writer, long epoch) {
        static Writing begin(Database db) {
            Writing w = new Writing(new OutboxRepository(db), new StateWriter(db), becomeActive(db, "me"));
            w.commit("first", 1, 0);
            w.outbox.cursor("s");
            return w;
        }

        void commit(String prefix, int n, long createdAt) {
            writer.commit(List.of(), entries(prefix, n, createdAt), epoch);
        }

        /** Commits three rows {@code prefix}1-3 and checks that the tail holds them; returns the third's seq. */
        long commitThreeHeldInMemory(Database db, String prefix) {
            commit(prefix, 3, 1000);
            long third = outbox.headSeq();
            assertThat(db.outboxTail().lastSeq()).as("held in memory").isEqualTo(third);
            assertThat(ids(outbox.pending("s", third - 1, 100))).containsExactly(prefix + "3");
            return third;
        }
    }

    @StoreTest
    void aRelayReadsJustCommittedRowsFromMemoryExactlyAsTheStoreHasThem(Database db) {
        Writing w = Writing.begin(db);
        OutboxRepository outbox = w.outbox();
        w.commit("a", 30, 1000);
        w.commit("b", 20, 2000);
        long served = db.outboxTail().servedRecords();

        List<OutboxRecord> first = outbox.pending("s", 25);
        List<OutboxRecord> rest = outbox.pending("s", first.getLast().seq(), 100);

        assertThat(db.outboxTail().servedRecords() - served).isEqualTo(50);
        List<OutboxRecord> fromMemory = new java.util.ArrayList<>(first);
        fromMemory.addAll(rest);
        assertThat(fromMemory).isEqualTo(outbox.recent(1000, 100)); // the events API reads the store itself
    }

    @StoreTest
    void aRetriedCommitThatSkippedADuplicateIsReadFromTheStore(Database db) {
        Writing w = Writing.begin(db);
        OutboxRepository outbox = w.outbox();
        long a3 = w.commitThreeHeldInMemory(db, "a");
        w.commit("a", 5, 1000); // a1-a3 again (a retry), a4 and a5 new
        w.commit("c", 2, 3000);

        assertThat(ids(outbox.pending("s", 100))).containsExactly("a1", "a2", "a3", "a4", "a5", "c1", "c2");
        assertThat(outbox.pending("s", a3, 100)).isEqualTo(outbox.recent(1000, 100).subList(3, 7));
    }

    @StoreTest
    void rowsAnotherProcessCommittedBetweenOurCommitsAreReadFromTheStore(Database db) {
        Writing w = Writing.begin(db);
        OutboxRepository outbox = w.outbox();
        long a3 = w.commitThreeHeldInMemory(db, "a");
        insertBehindTheWritersBacks(db, "other");
        w.commit("b", 2, 2000);

        assertThat(ids(outbox.pending("s", a3, 100))).containsExactly("other", "b1", "b2");
        assertThat(ids(outbox.pending("s", 100))).containsExactly("a1", "a2", "a3", "other", "b1", "b2");
        insertBehindTheWritersBacks(db, "last");
        assertThat(ids(outbox.pending("s", outbox.headSeq() - 1, 100))).as("after the tail's last row: the store")
                .containsExactly("last");
    }

    @StoreTest
    void aSinkRegisteredAfterPruningIsNotServedPrunedRowsFromMemory(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("s");
        long epoch = becomeActive(db, "me");
        new StateWriter(db).commit(List.of(), entries("old", 5, 100), epoch);
        outbox.acknowledge("s", outbox.headSeq());
        outbox.forgetSink("s");

        assertThat(outbox.prune(Long.MAX_VALUE)).isEqualTo(5);

        assertThat(outbox.cursor("new")).as("an empty outbox's head").isZero();
        assertThat(outbox.pending("new", 100)).isEmpty();
    }
}

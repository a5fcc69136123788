package io.vigil.store.outbox;

import static io.vigil.store.outbox.StateWriterTest.becomeActive;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.delivery.OutboxRecord;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** What a pipelined relay needs from the outbox: reads beyond its cursor, and each row's journal time. */
class OutboxPipelineReadTest {

    @StoreTest
    void eachRowCarriesWhenItWasDecidedAndWhenTheJournalWroteIt(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("s");
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db, Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC));

        writer.commit(List.of(), List.of(new OutboxEntry("e1", "hb", "vnf-1", "ONSET", "{}", 4_200)), epoch);

        OutboxRecord r = outbox.pending("s", 10).getFirst();
        assertThat(r.createdAtMillis()).isEqualTo(4_200);
        assertThat(r.journaledAtMillis()).isEqualTo(5_000);
    }

    @StoreTest
    void readingAfterASeqSkipsWhatIsInFlightButNeverWhatTheCursorHasNotPassed(Database db) {
        OutboxRepository outbox = new OutboxRepository(db);
        outbox.cursor("s");
        long epoch = becomeActive(db, "me");
        StateWriter writer = new StateWriter(db);
        for (int i = 1; i <= 5; i++) {
            writer.commit(List.of(), List.of(new OutboxEntry("e" + i, "hb", "vnf-" + i, "ONSET", "{}", i)), epoch);
        }
        List<OutboxRecord> all = outbox.pending("s", 10);

        assertThat(outbox.pending("s", all.get(1).seq(), 2)).extracting(OutboxRecord::eventId).containsExactly("e3", "e4");
        outbox.acknowledge("s", all.get(3).seq());
        assertThat(outbox.pending("s", all.get(0).seq(), 10)).extracting(OutboxRecord::eventId).containsExactly("e5");
    }
}

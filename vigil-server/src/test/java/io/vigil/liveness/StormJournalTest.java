package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.engine.ChangeEvent;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.deadletter.DeadLetterKind;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import io.vigil.delivery.OutboxRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm written in large transactions ({@link AlarmBatchSize}) keeps the alarm path's rules: every ONSET in the
 * outbox once, in the order the journal settled them, and a row the store refuses for good dead-lettered without
 * holding back the rest of its (large) batch.
 */
class StormJournalTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final int SOURCES = 2_500;
    private static final String POISON = "storm-1700";

    @TempDir
    Path dir;

    @Test
    void aStormWithOnePoisonedRowPutsEveryOtherOnsetInTheOutboxOnceInOrder() throws Exception {
        ManualClock clock = new ManualClock();
        AtomicBoolean storeOpen = new AtomicBoolean(false);
        List<ChangeEvent> written = new CopyOnWriteArrayList<>();
        try (Database db = Database.h2File(dir)) {
            try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
                s.executeUpdate("ALTER TABLE outbox ADD CONSTRAINT poison_row CHECK (source_name <> '" + POISON + "')");
            }
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "test", Duration.ofMinutes(5)).orElseThrow().epoch();
            LivenessService liveness = new LivenessService(clock, new StateWriter(db), new SourceRepository(db),
                    Duration.ofHours(1), Duration.ZERO, e -> storeOpen.get(), () -> { }, written::add);
            try {
                liveness.setLimits(new IngestLimits(255, 1_000_000, 1_000_000));
                liveness.configure(List.of(new Monitor(HB, Duration.ofMillis(100), 1, TimeBase.ARRIVAL, ClosedLoop.NONE)));
                liveness.activate(epoch);
                for (int i = 0; i < SOURCES; i++) liveness.accept(new Heartbeat(HB, String.format("storm-%04d", i), 0), Channel.HTTP);
                clock.advanceMillis(110); // every source silent 110 ms > 100 ms: a storm, queued while the store is closed
                await().atMost(Duration.ofSeconds(60)).until(() -> liveness.pendingEvents() >= 2 * SOURCES);

                storeOpen.set(true);
                await().atMost(Duration.ofSeconds(120)).until(() -> written.size() >= SOURCES - 1);

                List<String> settled = written.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET))
                        .map(e -> e.source().sourceName()).toList();
                assertThat(settled).hasSize(SOURCES - 1).doesNotHaveDuplicates().doesNotContain(POISON);
                List<String> inOutbox = new OutboxRepository(db).recent(0, 10 * SOURCES).stream()
                        .map(OutboxRecord::sourceName).toList();
                assertThat(inOutbox).as("outbox seq order is the order the journal settled them").isEqualTo(settled);
                assertThat(db.deadLetters().count(DeadLetterKind.CHANGE_EVENT)).isEqualTo(1);
            } finally {
                liveness.close();
            }
        }
    }
}

package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceView;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storm's ONSETs are written as outbox rows carrying their sources' states, and the sources table catches up later:
 * an active that dies before it caught up leaves a successor that restores every source MISSING in its outage (no
 * second ONSET), catches the table up itself, and a graceful stop leaves nothing to catch up.
 */
class DeferredStateRestoreTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final int SOURCES = 1_000;
    private static final List<Monitor> MONITORS =
            List.of(new Monitor(HB, Duration.ofMillis(100), 1, TimeBase.ARRIVAL, ClosedLoop.NONE));

    @TempDir
    Path dir;

    private static SourceKey key(int i) {
        return new SourceKey(HB, String.format("src-%04d", i));
    }

    private static LivenessService service(Database db, ManualClock clock, AtomicBoolean mayWrite, List<ChangeEvent> written) {
        LivenessService s = new LivenessService(clock, new StateWriter(db), new SourceRepository(db), Duration.ofHours(1),
                Duration.ZERO, e -> mayWrite.get(), () -> { }, written::add);
        s.setLimits(new IngestLimits(255, 1_000_000, 1_000_000));
        s.configure(MONITORS);
        return s;
    }

    private static long onsets(List<ChangeEvent> written) {
        return written.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET)).count();
    }

    private static Map<String, String> tableStates(Database db) {
        return db.withConnection(c -> {
            Map<String, String> out = new HashMap<>();
            try (var s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT source_name, state FROM sources")) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    @Test
    void aSuccessorOfAnActiveThatDiedBeforeTheTableCaughtUpRestoresTheOutagesAndRaisesNoSecondOnset() {
        ManualClock clock = new ManualClock();
        try (Database db = Database.h2File(dir)) {
            LeaseRepository leases = new LeaseRepository(db);
            long first = leases.tryAcquire(LeaseRepository.ACTIVE, "a", Duration.ofMinutes(5)).orElseThrow().epoch();
            AtomicBoolean aMayWrite = new AtomicBoolean(true);
            List<ChangeEvent> writtenByA = new CopyOnWriteArrayList<>();
            LivenessService a = service(db, clock, aMayWrite, writtenByA);
            a.applyStatesAfterQuiet(Duration.ofDays(1)); // it dies before it would catch up
            Map<SourceKey, String> outages = new HashMap<>();
            try {
                a.activate(first);
                for (int i = 0; i < SOURCES; i++) a.accept(new Heartbeat(HB, key(i).sourceName(), 0), Channel.HTTP);
                clock.advanceMillis(110); // every source silent: a storm
                await().atMost(Duration.ofSeconds(60)).until(() -> onsets(writtenByA) == SOURCES);
                for (ChangeEvent e : writtenByA) if (e.kind().equals(ChangeEvent.ONSET)) outages.put(e.source(), e.outageId());
                aMayWrite.set(false); // dies: it writes nothing more (its close below cannot write either)

                assertThat(tableStates(db)).as("the table has not caught up").doesNotContainValue("MISSING");
                assertThat(a.appliedStates()).isZero();
            } finally {
                a.close();
            }

            leases.release(LeaseRepository.ACTIVE, "a"); // its lease expired
            long second = leases.tryAcquire(LeaseRepository.ACTIVE, "b", Duration.ofMinutes(5)).orElseThrow().epoch();
            List<ChangeEvent> writtenByB = new CopyOnWriteArrayList<>();
            LivenessService b = service(db, clock, new AtomicBoolean(true), writtenByB);
            try {
                b.activate(second);
                for (int i = 0; i < SOURCES; i++) {
                    SourceView v = b.engine().source(key(i));
                    assertThat(v).isNotNull();
                    assertThat(v.state()).isEqualTo(LivenessState.MISSING);
                    assertThat(v.outageId()).isEqualTo(outages.get(key(i)));
                }
                // a source of its own goes silent after the restore: its ONSET is decided in the same ticks as any
                // second ONSET of the restored ones would be
                b.accept(new Heartbeat(HB, "control", 0), Channel.HTTP);
                clock.advanceMillis(110);
                await().atMost(Duration.ofSeconds(60)).until(() -> onsets(writtenByB) >= 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> b.appliedStates() >= SOURCES);

                assertThat(writtenByB).filteredOn(e -> e.kind().equals(ChangeEvent.ONSET))
                        .extracting(e -> e.source().sourceName()).containsExactly("control");
                List<OutboxRecord> rows = new OutboxRepository(db).recent(0, 10 * SOURCES);
                assertThat(rows).filteredOn(r -> r.kind().equals("ONSET")).hasSize(SOURCES + 1);
                Map<String, String> table = tableStates(db);
                for (int i = 0; i < SOURCES; i++) assertThat(table).containsEntry(key(i).sourceName(), "MISSING");
            } finally {
                b.close();
            }
        }
    }

    @Test
    void theTableCatchesUpOnlyOnceTheSinksHaveWhatTheyRead() throws InterruptedException {
        ManualClock clock = new ManualClock();
        try (Database db = Database.h2File(dir)) {
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "a", Duration.ofMinutes(5)).orElseThrow().epoch();
            List<ChangeEvent> written = new CopyOnWriteArrayList<>();
            AtomicBoolean delivered = new AtomicBoolean(false);
            LivenessService a = service(db, clock, new AtomicBoolean(true), written);
            a.applyStatesAfterQuiet(Duration.ZERO);
            a.setDeliveryIdle(delivered::get);
            try {
                a.activate(epoch);
                for (int i = 0; i < SOURCES; i++) a.accept(new Heartbeat(HB, key(i).sourceName(), 0), Channel.HTTP);
                clock.advanceMillis(110);
                await().atMost(Duration.ofSeconds(60)).until(() -> onsets(written) == SOURCES);
                Thread.sleep(500); // the journal loops every few ms: it had every chance to catch up, and must not
                assertThat(a.appliedStates()).isZero();
                assertThat(tableStates(db)).doesNotContainValue("MISSING");

                delivered.set(true); // the relays acknowledged everything they read
                await().atMost(Duration.ofSeconds(60)).until(() -> a.appliedStates() == SOURCES);
                assertThat(tableStates(db)).containsValue("MISSING").doesNotContainValue("ALIVE");
            } finally {
                a.close();
            }
        }
    }

    @Test
    void aGracefulStopCatchesTheTableUpBeforeItEnds() {
        ManualClock clock = new ManualClock();
        try (Database db = Database.h2File(dir)) {
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "a", Duration.ofMinutes(5)).orElseThrow().epoch();
            List<ChangeEvent> written = new CopyOnWriteArrayList<>();
            LivenessService a = service(db, clock, new AtomicBoolean(true), written);
            a.applyStatesAfterQuiet(Duration.ofDays(1));
            try {
                a.activate(epoch);
                for (int i = 0; i < SOURCES; i++) a.accept(new Heartbeat(HB, key(i).sourceName(), 0), Channel.HTTP);
                clock.advanceMillis(110);
                await().atMost(Duration.ofSeconds(60)).until(() -> onsets(written) == SOURCES);
            } finally {
                a.close();
            }
            assertThat(a.appliedStates()).isEqualTo(SOURCES);
            Map<String, String> table = tableStates(db);
            for (int i = 0; i < SOURCES; i++) assertThat(table).containsEntry(key(i).sourceName(), "MISSING");
        }
    }

    @Test
    void theWarmUpsScratchServiceClosesWithoutCatchingItsThrowawayTableUp() {
        // a graceful stop of a real service catches up (above); the warm-up's store is deleted after its close, and
        // catching up its storms' rows took seconds of H2 work from the real storm the warm-up had given way to
        ManualClock clock = new ManualClock();
        try (Database db = Database.h2File(dir)) {
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "w", Duration.ofMinutes(5)).orElseThrow().epoch();
            List<ChangeEvent> written = new CopyOnWriteArrayList<>();
            LivenessService s = LivenessService.scratch(clock, new StateWriter(db), new SourceRepository(db), () -> { },
                    written::add);
            s.setLimits(new IngestLimits(255, 1_000_000, 1_000_000));
            s.configure(MONITORS);
            s.applyStatesAfterQuiet(Duration.ofDays(1));
            try {
                s.activate(epoch);
                for (int i = 0; i < SOURCES; i++) s.accept(new Heartbeat(HB, key(i).sourceName(), 0), Channel.HTTP);
                clock.advanceMillis(110);
                await().atMost(Duration.ofSeconds(60)).until(() -> onsets(written) == SOURCES);
                s.deactivate();
            } finally {
                s.close();
            }
            assertThat(s.appliedStates()).isZero();
            assertThat(tableStates(db)).doesNotContainValue("MISSING");
        }
    }
}

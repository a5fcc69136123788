package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceSnapshot;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.store.testing.StoreTest;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The write-behind checkpoint on both stores: its cost follows what changed (a source is rewritten once its lastSeen
 * moved half a threshold past the stored value), a clean stop writes every exact lastSeen, and after a crash (the
 * memory dropped without a checkpoint) a restart restores lastSeen at most half a threshold plus one checkpoint
 * period old and raises no ONSET for a source that keeps beating. Manual clock: checkpoints run when it passes the
 * checkpoint interval; {@code durable()} completes with the next one.
 */
class WriteBehindCheckpointTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final int SOURCES = 2_000;
    /** 10 s x 3: threshold 30 s, so lastSeen is rewritten once it moved 15 s. */
    private static final Monitor MONITOR = new Monitor(HB, Duration.ofSeconds(10), 3, TimeBase.ARRIVAL, ClosedLoop.NONE);
    private static final Duration CHECKPOINT = Duration.ofSeconds(1);

    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> written = new CopyOnWriteArrayList<>();

    private LivenessService start(Database db, String owner) {
        long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, owner, Duration.ofMinutes(5)).orElseThrow().epoch();
        LivenessService liveness = new LivenessService(clock, new StateWriter(db), new SourceRepository(db), CHECKPOINT,
                Duration.ofSeconds(10), e -> true, () -> { }, written::add);
        liveness.setLimits(new IngestLimits(255, 1_000_000, 1_000_000));
        liveness.configure(List.of(MONITOR));
        liveness.activate(epoch);
        return liveness;
    }

    private void beatAll(LivenessService liveness, int from, int to) {
        for (int i = from; i < to; i++) liveness.accept(new Heartbeat(HB, "s" + i, 0), Channel.HTTP);
    }

    /** Moves the clock past the checkpoint interval and waits for the checkpoint that follows. */
    private void checkpoint(LivenessService liveness) throws Exception {
        var done = liveness.durable().toCompletableFuture();
        clock.advanceMillis(CHECKPOINT.toMillis());
        done.get(60, TimeUnit.SECONDS);
    }

    private static Map<String, Long> stored(Database db) {
        return new SourceRepository(db).loadAll().stream()
                .collect(Collectors.toMap(s -> s.key().sourceName(), SourceSnapshot::lastSeenMillis));
    }

    private static List<String> withLastSeen(Map<String, Long> stored, long lastSeen) {
        return stored.entrySet().stream().filter(e -> e.getValue() == lastSeen).map(Map.Entry::getKey).toList();
    }

    @StoreTest
    void aSourceIsRewrittenOnlyOnceItsLastSeenMovedHalfAThresholdAndACleanStopWritesEveryExactLastSeen(Database db)
            throws Exception {
        LivenessService liveness = start(db, "a");
        long t0 = clock.millis();
        long t10 = 0;
        try {
            beatAll(liveness, 0, SOURCES);
            await().atMost(Duration.ofSeconds(60)).until(() -> written.size() >= SOURCES); // first-seen events
            checkpoint(liveness);
            assertThat(stored(db)).hasSize(SOURCES).allSatisfy((k, v) -> assertThat(v).isEqualTo(t0));

            // everyone beats every 5 s: below 15 s of progress, nothing is rewritten
            for (int round = 1; round <= 2; round++) {
                clock.advanceMillis(4_000);
                t10 = clock.millis();
                beatAll(liveness, 0, SOURCES);
                checkpoint(liveness);
            }
            assertThat(stored(db)).allSatisfy((k, v) -> assertThat(v).isEqualTo(t0));

            // 16 s after the last write, only the sources that beat then are rewritten
            clock.advanceMillis(16_000 - (clock.millis() - t0));
            long t16 = clock.millis();
            assertThat(t16).isEqualTo(t0 + 16_000);
            beatAll(liveness, 0, 10);
            checkpoint(liveness);
            Map<String, Long> after = stored(db);
            assertThat(withLastSeen(after, t16)).hasSize(10).contains("s0", "s9");
            assertThat(withLastSeen(after, t0)).hasSize(SOURCES - 10);
            assertThat(written).noneMatch(e -> e.kind().equals(ChangeEvent.ONSET));
        } finally {
            liveness.close();
        }
        // a clean stop wrote the exact lastSeen of every source
        Map<String, Long> exact = stored(db);
        assertThat(withLastSeen(exact, t10)).hasSize(SOURCES - 10);
        assertThat(withLastSeen(exact, t0 + 16_000)).hasSize(10);
    }

    @StoreTest
    void aNewSourceIsWrittenOnceByItsFirstSeenEventAndNotAgainByTheCheckpoint(Database db) throws Exception {
        LivenessService liveness = start(db, "a");
        long t0 = clock.millis();
        try {
            beatAll(liveness, 0, SOURCES);
            await().atMost(Duration.ofSeconds(60)).until(() -> written.size() >= SOURCES); // first-seen events, committed
            checkpoint(liveness);
            assertThat(stored(db)).hasSize(SOURCES).allSatisfy((k, v) -> assertThat(v).isEqualTo(t0));
            assertThat(liveness.checkpointedSources()).isZero();

            // a source whose lastSeen moved half a threshold is the checkpoint's again
            clock.advanceMillis(16_000);
            beatAll(liveness, 0, 1);
            checkpoint(liveness);
            assertThat(liveness.checkpointedSources()).isEqualTo(1);
            assertThat(stored(db).get("s0")).isEqualTo(clock.millis() - CHECKPOINT.toMillis());
        } finally {
            liveness.close();
        }
    }

    @StoreTest
    void afterACrashTheRestoredLastSeenIsAtMostHalfAThresholdOldAndASourceThatKeepsBeatingGetsNoOnset(Database db)
            throws Exception {
        LivenessService first = start(db, "a");
        long lastBeat;
        try {
            beatAll(first, 0, 100);
            await().atMost(Duration.ofSeconds(60)).until(() -> written.size() >= 100);
            checkpoint(first);
            // beating every 9 s for a minute (under 10 s x 3), checkpointed every second
            for (int i = 0; i < 7; i++) {
                clock.advanceMillis(9_000 - CHECKPOINT.toMillis());
                beatAll(first, 0, 100);
                checkpoint(first);
            }
            lastBeat = clock.millis() - CHECKPOINT.toMillis();
            // the crash: the memory is dropped with no last checkpoint
            first.deactivate();
        } finally {
            first.close();
        }
        assertThat(stored(db)).hasSize(100).allSatisfy((k, v) ->
                assertThat(lastBeat - v).isLessThanOrEqualTo(15_000 + CHECKPOINT.toMillis()));

        written.clear();
        LivenessService second = start(db, "a");
        try {
            // the senders go on beating every 9 s across the restart: no ONSET, ever
            for (int i = 0; i < 8; i++) {
                clock.advanceMillis(9_000 - CHECKPOINT.toMillis());
                beatAll(second, 0, 100);
                checkpoint(second);
            }
            assertThat(written).noneMatch(e -> e.kind().equals(ChangeEvent.ONSET));
            assertThat(second.engine().counts().get(LivenessState.ALIVE)).isEqualTo(100);
        } finally {
            second.close();
        }
    }
}

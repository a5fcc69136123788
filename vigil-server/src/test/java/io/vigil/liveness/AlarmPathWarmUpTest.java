package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.server.CapturedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alarm path's warm-up runs real storms through a scratch store, quietly, and leaves nothing behind. */
class AlarmPathWarmUpTest {
    @TempDir
    Path parent;

    @Test
    void everyStormOfTheWarmUpIsDeliveredAndItsScratchStoreIsDeletedAfterwards() throws Exception {
        try (CapturedLog log = CapturedLog.of("io.vigil")) {
            // more sources than the admission bucket's first second (10,000): all are tracked, none refused
            AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 12_000, 2, () -> false);

            assertThat(r.storms()).isEqualTo(3); // two ONSET storms, an ABATED storm between them
            assertThat(r.events()).as("each storm's events reached the discarding sink").isEqualTo(3 * 12_000);
            assertThat(log.lines()).as("operators see one store and one engine: the configured ones").isEmpty();
        }
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }

    @Test
    void aStopAskedForInTheMiddleOfAStormEndsTheWarmUpSoonAndStillDeletesItsScratchStore() throws Exception {
        // the stop is asked only while storms run (between their steps), after ~100 ms of the first one
        AtomicInteger asked = new AtomicInteger();
        long started = System.nanoTime();
        assertThatThrownBy(() -> AlarmPathWarmUp.run(parent.resolve("warm-up"), 20_000, 3, () -> asked.incrementAndGet() > 20))
                .isInstanceOf(AlarmPathWarmUp.Stopped.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a stop does not wait for the storms to end")
                .isLessThan(Duration.ofSeconds(60));
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }

    @Test
    void whatAKilledWarmUpLeftBehindIsClearedByTheNextOne() throws Exception {
        Path dir = parent.resolve("warm-up");
        Files.createDirectories(dir.resolve("old"));
        Files.writeString(dir.resolve("old/vigil.mv.db"), "left by a process killed in its warm-up");

        AlarmPathWarmUp.run(dir, 100, 1, () -> false);

        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void everyStormAlsoGoesThroughTheCallersSinksAndOneThatFailsDoesNotHoldItUp() throws Exception {
        AtomicLong taken = new AtomicLong();
        Sink batching = counting("batching", 100, taken);
        Sink failing = new Sink() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public CompletionStage<Void> deliver(OutboxRecord record) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
        };

        AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 300, 2, () -> false, List.of(batching, failing));

        assertThat(r.events()).isEqualTo(3 * 300);
        assertThat(taken.get()).as("each storm's events went through the caller's sink too").isEqualTo(3 * 300);
    }

    /** A sink that counts what it is handed; {@code batch} records a call at most. */
    private static Sink counting(String name, int batch, AtomicLong taken) {
        return new Sink() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public CompletionStage<Void> deliver(OutboxRecord record) {
                return deliverBatch(List.of(record));
            }

            @Override
            public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
                taken.addAndGet(records.size());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public int maxBatch() {
                return batch;
            }
        };
    }

    @Test
    void aBatchingSinkIsHandedEveryEventAndASinkOfOneEventPerRequestTwentyThousand() throws Exception {
        AtomicLong batched = new AtomicLong();
        AtomicLong single = new AtomicLong();

        AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 11_000, 2, () -> false,
                List.of(counting("batching", 500, batched), counting("single", 1, single)));

        assertThat(r.events()).isEqualTo(3 * 11_000);
        assertThat(batched.get()).as("the producer's per-record code runs as often as a real storm's").isEqualTo(3 * 11_000);
        assertThat(single.get()).as("a bound on the requests of a webhook without batch").isEqualTo(20_000);
    }

    @Test
    void theWarmUpsJournalAndRelaysAreInstrumentedAsTheCallerInstrumentsItsOwn() throws Exception {
        java.util.Map<io.vigil.engine.ChangeKind, Integer> hooked = new java.util.concurrent.ConcurrentHashMap<>();
        List<String> observed = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean serviceKnown = new java.util.concurrent.atomic.AtomicBoolean(true);
        AlarmPathWarmUp.Instruments instruments = new AlarmPathWarmUp.Instruments() {
            @Override
            public java.util.function.Consumer<io.vigil.engine.ChangeEvent> journalHook(
                    java.util.concurrent.atomic.AtomicReference<LivenessService> liveness) {
                return e -> {
                    if (liveness.get() == null) serviceKnown.set(false);
                    hooked.merge(e.kind(), 1, Integer::sum);
                };
            }

            @Override
            public void bindRelay(io.vigil.transport.relay.OutboxRelay relay) {
                relay.observeStages((record, handed, acked) -> observed.add(relay.sinkName()));
            }
        };

        AlarmPathWarmUp.run(parent.resolve("warm-up"), 300, 2, 2, () -> false,
                List.of(counting("batching", 100, new AtomicLong())), instruments);

        assertThat(hooked).containsEntry(io.vigil.engine.ChangeKind.ONSET, 600).containsEntry(io.vigil.engine.ChangeKind.ABATED, 300);
        assertThat(serviceKnown).as("the hook finds the warm-up's service when events come").isTrue();
        assertThat(observed).filteredOn("warm-up"::equals).hasSize(900);
        assertThat(observed).filteredOn("batching"::equals).hasSize(900);
    }

    /**
     * A real storm's sources pass their deadlines while the HTTP channel's proof is a few ms behind: they are held
     * blind and decided when it catches up. The warm-up's storms take that way too (its code was compiled inside the
     * first real storm otherwise): the clock crosses the deadlines (100 ms after the beat) a ms at a time up to 110 ms,
     * and only then does the proof follow, so every ONSET is decided at 110 ms, none at its deadline.
     */
    @Test
    void theWarmUpsOnsetsWaitForTheHttpProofAsARealStormsDo() throws Exception {
        List<Long> silentFor = new java.util.concurrent.CopyOnWriteArrayList<>();
        AlarmPathWarmUp.Instruments instruments = new AlarmPathWarmUp.Instruments() {
            @Override
            public java.util.function.Consumer<io.vigil.engine.ChangeEvent> journalHook(
                    java.util.concurrent.atomic.AtomicReference<LivenessService> liveness) {
                return e -> {
                    if (e.kind() == io.vigil.engine.ChangeKind.ONSET) silentFor.add(e.atMillis() - e.lastSeenMillis());
                };
            }

            @Override
            public void bindRelay(io.vigil.transport.relay.OutboxRelay relay) {
            }
        };

        AlarmPathWarmUp.run(parent.resolve("warm-up"), 300, 2, 2, () -> false, List.of(), instruments);

        assertThat(silentFor).hasSize(600).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(110));
    }

    @Test
    void theWarmUpGoesOnPastItsRoundsWhileTheJitStillCompilesUpToItsLast() throws Exception {
        // a compiler that works a whole round's time in each of the first four rounds, then nothing
        AtomicInteger asked = new AtomicInteger();
        java.util.function.LongSupplier busyFourRounds = () -> {
            int n = asked.getAndIncrement(); // asked twice a round: at its start and at its end
            return n < 8 ? n * 1_000_000L : 8_000_000L;
        };
        AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 200, 2, 8, () -> false, List.of(),
                AlarmPathWarmUp.Instruments.NONE, busyFourRounds);
        assertThat(r.storms()).as("four busy rounds and a quiet fifth").isEqualTo(2 * 5 - 1);

        java.util.function.LongSupplier alwaysBusy = () -> asked.getAndAdd(1) * 1_000_000L;
        r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 200, 2, 6, () -> false, List.of(), AlarmPathWarmUp.Instruments.NONE,
                alwaysBusy);
        assertThat(r.storms()).as("never settled: it stops at its last round").isEqualTo(2 * 6 - 1);

        r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 200, 3, 6, () -> false, List.of(), AlarmPathWarmUp.Instruments.NONE,
                () -> 0);
        assertThat(r.storms()).as("settled at once: its own rounds").isEqualTo(2 * 3 - 1);

        r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 200, 2, 6, () -> false, List.of(), AlarmPathWarmUp.Instruments.NONE,
                null);
        assertThat(r.storms()).as("a JVM that does not tell its compile time: its own rounds").isEqualTo(2 * 2 - 1);
    }
}

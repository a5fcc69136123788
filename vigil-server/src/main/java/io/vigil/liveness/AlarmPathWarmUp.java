package io.vigil.liveness;

import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.ChangeEvent;
import io.vigil.delivery.Sink;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.ingest.Watermark;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.time.ManualClock;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.ves.Heartbeat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a few synthetic storms through the alarm path on a scratch store, so that the JIT has compiled it before the
 * first real storm (issue 14, {@code detection.warmUp}).
 *
 * <p>Why: a fresh server's first 100k-source storm spends about a third of its CPU compiling the journal's, the
 * store's and the relay's code while it runs (the compiler threads took 2.1–3.4 s of the server's 6–10 s in the
 * storm; docs/benchmarks.md § 5 "Session 8"); the same storm on a server that has been through storms is about 1.5×
 * faster. A server learns that only from real alarms, so the first storm after a restart would be the slow one.
 *
 * <p>What runs is Vigil's own code, not a model of it: a {@link LivenessService} (engine, journal, the outbox and
 * source writes in their real transactions) on a throwaway H2 file store in a directory of its own, with an
 * {@link OutboxRelay} reading the outbox back into a sink that discards what it gets. {@code sources} sources of a
 * private monitor beat, go silent (an ONSET storm), beat again (an ABATED storm), {@code rounds} times. Nothing
 * reaches the configured store, sinks, metrics or the events log; the scratch directory is deleted afterwards. Its
 * clock is a manual one: the storms need no waiting.
 */
public final class AlarmPathWarmUp {
    /** The private monitor's eventName (never one of the configured monitors: the store is a different one). */
    static final String EVENT_NAME = "vigil-warm-up";
    private static final Duration THRESHOLD = Duration.ofMillis(100);
    /** How long one storm of the warm-up may take before it gives up (a very busy or very small machine). */
    private static final Duration STORM_TIMEOUT = Duration.ofSeconds(120);

    private AlarmPathWarmUp() {
    }

    /**
     * The caller's stop condition held (the server stops, lost its role, or real alarms wait): the warm-up ended
     * early and cleaned up. A stop is asked for with a condition, not an interrupt: an interrupt in the middle of
     * H2's file I/O would close the scratch store's file under it.
     */
    public static final class Stopped extends IllegalStateException {
        Stopped() {
            super("stopped");
        }
    }

    /**
     * What the server hangs on its own journal and relays (metrics, the live event feed), made again for the
     * warm-up's: the JIT then compiles the alarm path with the calls a real storm makes — the same classes at the same
     * call sites — so a real storm neither compiles the metrics' code (a C2 compile of a histogram's record method
     * took 0.5 s of a core inside a storm) nor throws away the warm-up's compiled journal at its first ONSET because
     * another class answers a call. What they are given must reach nothing real: scratch meters, no log lines.
     */
    public interface Instruments {
        /** Nothing hung on them: the warm-up's journal hook does nothing, its relays are not observed. */
        Instruments NONE = new Instruments() {
            @Override
            public Consumer<ChangeEvent> journalHook(AtomicReference<LivenessService> liveness) {
                return e -> { };
            }

            @Override
            public void bindRelay(OutboxRelay relay) {
            }
        };

        /**
         * The hook the warm-up's journal calls for every durable event, as the server's own.
         *
         * @param liveness holds the warm-up's service once it is made (it is made with this hook)
         */
        Consumer<ChangeEvent> journalHook(AtomicReference<LivenessService> liveness);

        /** Observes a warm-up relay as the server observes its own. */
        void bindRelay(OutboxRelay relay);
    }

    /** What one warm-up did. */
    public record Result(int storms, long events, long millis) {
    }

    /**
     * Runs the warm-up on the calling thread in {@code dir} (emptied first: a warm-up killed with its process leaves
     * its files there, and the next one clears them), which is deleted afterwards: {@code rounds} ONSET storms of
     * {@code sources} sources and the ABATED storms between them, each delivered in full to the discarding sink.
     *
     * @param stop asked between the storms' steps: true ends the warm-up early ({@link Stopped})
     * @throws Stopped              when {@code stop} said so (what was made is cleaned up first)
     * @throws IllegalStateException when a storm was not delivered within {@link #STORM_TIMEOUT}, or the scratch
     *                               store failed
     * @throws UncheckedIOException  when the directory cannot be made
     */
    public static Result run(Path dir, int sources, int rounds, BooleanSupplier stop) {
        return run(dir, sources, rounds, stop, List.of());
    }

    /**
     * {@link #run(Path, int, int, BooleanSupplier)} with every storm also delivered through each of {@code alsoTo}
     * (sinks of the configured kinds pointed at a receiver of the caller's that discards what it gets: their own
     * code is compiled too; their names must differ, each has its own cursor), each up to
     * {@link Counting#FORWARDED_PER_SINK} records (a batching sink all of them), the rest counted only. Their failures count as deliveries: the
     * warm-up needs their code run, not their answer.
     */
    public static Result run(Path dir, int sources, int rounds, BooleanSupplier stop, List<Sink> alsoTo) {
        return run(dir, sources, rounds, rounds, stop, alsoTo, Instruments.NONE);
    }

    /**
     * {@link #run(Path, int, int, BooleanSupplier, List)} with the journal and relays instrumented like the server's
     * ({@link Instruments}), that goes on after {@code rounds} rounds, up to
     * {@code maxRounds}, while the JIT still compiles: until a round in which the compiler threads worked less than
     * {@value #SETTLED_COMPILE_SHARE} of its time. On two cores C2 has a queue through the first rounds; the methods
     * still in it when the storms stop are dropped from it as no longer hot, and stay in their slow, profiling
     * version until the first real storm makes them hot again and compiles them inside it (JFR: the relay's
     * producer path, the journal's event encoding, 5 s of C2 compiling in a storm). Where the JVM does not report
     * its compile time, exactly {@code rounds} rounds run.
     */
    public static Result run(Path dir, int sources, int rounds, int maxRounds, BooleanSupplier stop, List<Sink> alsoTo,
                             Instruments instruments) {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        boolean measured = jit != null && jit.isCompilationTimeMonitoringSupported();
        return run(dir, sources, rounds, maxRounds, stop, alsoTo, instruments, measured ? jit::getTotalCompilationTime : null);
    }

    /** @param compileMillis the JVM's compile time so far (ms), or null when it is not known: {@code rounds} rounds */
    static Result run(Path dir, int sources, int rounds, int maxRounds, BooleanSupplier stop, List<Sink> alsoTo,
                      Instruments instruments, java.util.function.@org.jspecify.annotations.Nullable LongSupplier compileMillis) {
        if (rounds < 1 || maxRounds < rounds) throw new IllegalArgumentException("rounds 1.." + maxRounds + ": " + rounds);
        long started = System.nanoTime();
        delete(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the warm-up's scratch directory " + dir, e);
        }
        try {
            return run(dir, sources, rounds, maxRounds, stop, alsoTo, instruments, compileMillis, started);
        } finally {
            delete(dir);
        }
    }

    private static Result run(Path dir, int sources, int rounds, int maxRounds, BooleanSupplier stop, List<Sink> alsoTo,
                              Instruments instruments, java.util.function.@org.jspecify.annotations.Nullable LongSupplier compileMillis,
                              long started) {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        DiscardingSink sink = new DiscardingSink();
        List<Counting> extra = alsoTo.stream().map(Counting::new).toList();
        java.util.concurrent.CopyOnWriteArrayList<OutboxRelay> relays = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Database db = Database.h2Scratch(dir)) {
            long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "warm-up", Duration.ofHours(1))
                    .orElseThrow().epoch();
            AtomicReference<LivenessService> made = new AtomicReference<>();
            LivenessService liveness = LivenessService.scratch(clock, new StateWriter(db, clock), new SourceRepository(db),
                    OutboxRelay.wakingAll(relays), instruments.journalHook(made));
            made.set(liveness);
            try {
                OutboxRepository outbox = new OutboxRepository(db);
                // each sink's cursor before any row: a new sink starts at the outbox's end when its relay first reads,
                // and a relay thread that starts late on a busy machine would begin after the first storm
                outbox.cursor(sink.name());
                for (Counting c : extra) outbox.cursor(c.name());
                relays.add(OutboxRelay.start(sink, outbox, RelaySettings.defaults()));
                for (Counting c : extra) relays.add(OutboxRelay.start(c, outbox, RelaySettings.defaults()));
                for (OutboxRelay r : relays) instruments.bindRelay(r);
                liveness.setLimits(new IngestLimits(IngestLimits.MAX_NAME_LENGTH, Math.max(sources, 1), Integer.MAX_VALUE));
                liveness.configure(List.of(new Monitor(EVENT_NAME, THRESHOLD, 1, TimeBase.ARRIVAL, new ClosedLoop(
                        "ControlLoop-warm-up", "warm-up-policy", "1.0.0", "resource=warm-up", TargetType.VNF,
                        "generic-vnf.vnf-name", "1.0.0"))));
                liveness.activate(epoch);
                // the HTTP channel's proof, moved by hand: a real storm's sources are held blind for a few ms until the
                // event loops' next proof passes their deadline, and that path is compiled here too
                Watermark http = liveness.watermarks().register(Channel.HTTP, "warm-up", Duration.ofHours(1));
                long expected = 0;
                int done = 0;
                while (done < maxRounds) {
                    long compiledBefore = compileMillis == null ? 0 : compileMillis.getAsLong();
                    long roundStart = System.nanoTime();
                    // round 0: the sources' first beat; later rounds: a beat of alarmed sources, an ABATED storm
                    beat(liveness, clock, sources);
                    http.advanceTo(clock.millis());
                    if (done > 0) awaitDelivered(liveness, sink, extra, expected += sources, stop);
                    silence(clock, http); // every source silent: an ONSET storm
                    awaitDelivered(liveness, sink, extra, expected += sources, stop);
                    done++;
                    long roundMillis = Math.max(1, (System.nanoTime() - roundStart) / 1_000_000);
                    boolean settled = compileMillis == null
                            || compileMillis.getAsLong() - compiledBefore < SETTLED_COMPILE_SHARE * roundMillis;
                    if (done >= rounds && settled) break;
                }
                return new Result(done * 2 - 1, sink.delivered.get(), (System.nanoTime() - started) / 1_000_000);
            } finally {
                liveness.deactivate(); // a stopped warm-up's queued events are dropped, not written before the close
                for (OutboxRelay r : relays) r.close();
                liveness.close();
            }
        }
    }

    /**
     * One heartbeat of every source. The clock moves 1 ms every {@value #ADMITTED_PER_MS} sources: new sources are
     * admitted by a token bucket that refills with time ({@code limits.newSourcesPerSecond}, here unbounded) and starts
     * with the default second's worth (10,000).
     */
    private static void beat(LivenessService liveness, ManualClock clock, int sources) {
        for (int i = 0; i < sources; i++) {
            if (i > 0 && i % ADMITTED_PER_MS == 0) clock.advanceMillis(1);
            liveness.accept(new Heartbeat(EVENT_NAME, "warm-up-" + i, 0), Channel.HTTP);
        }
    }

    /**
     * Lets every source's deadline pass as a real storm's does: the clock crosses the deadlines (spread over a few ms
     * by {@link #beat}) one ms at a time while the detector ticks on its own thread, so it meets wheel buckets whose
     * entries are partly not yet due; the HTTP proof stays behind the deadlines meanwhile, so the due sources are held
     * blind, and are decided when it catches up. Code a real storm runs that one jump of the clock never ran was
     * compiled inside the storm (the detector's expiry and blind paths: 0.4 s of C2).
     */
    private static void silence(ManualClock clock, Watermark http) {
        clock.advanceMillis(THRESHOLD.toMillis() - 4);
        for (int ms = 0; ms < 14; ms++) {
            clock.advanceMillis(1);
            pause();
        }
        http.advanceTo(clock.millis());
    }

    private static void pause() {
        try {
            Thread.sleep(1); // lets the detector's ticks see each step; not a test wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
    }

    private static final int ADMITTED_PER_MS = 5_000;
    /** A round in which the compilers worked less than this share of its wall time: the JIT has settled. */
    static final double SETTLED_COMPILE_SHARE = 0.25;

    private static void awaitDelivered(LivenessService liveness, DiscardingSink sink, List<Counting> extra, long expected,
                                       BooleanSupplier stop) {
        long until = System.nanoTime() + STORM_TIMEOUT.toNanos();
        while (sink.delivered.get() < expected || extra.stream().anyMatch(c -> c.handled.get() < expected)) {
            if (stop.getAsBoolean()) throw new Stopped();
            if (!liveness.isStoreHealthy()) throw new IllegalStateException("the scratch store failed a write");
            if (System.nanoTime() > until) {
                throw new IllegalStateException("a storm of the warm-up was not delivered within " + STORM_TIMEOUT
                        + " (" + sink.delivered.get() + " of " + expected + " events; the engine decided "
                        + liveness.engine().onsetCount() + " ONSETs and " + liveness.engine().abatedCount() + " ABATEDs, "
                        + liveness.pendingEvents() + " wait for the scratch store; "
                        + extra.stream().map(c -> c.name() + " took " + c.handled.get()).toList() + ")");
            }
            try {
                Thread.sleep(5); // polls the scratch relay's progress; not a test wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // the temporary directory is the OS's to clean then
        }
    }

    /**
     * One of the caller's sinks, counting the records it handled; a failure completes as a success (the relay would
     * retry it with a backoff, and the warm-up only needs the code run).
     */
    private static final class Counting implements Sink {
        /**
         * Records a caller's sink is handed in one warm-up, 20,000: enough for the JIT (a few thousand calls compile a
         * method), and a bound on the requests a webhook of one event per request makes (the warm-up's five storms
         * are 100,000 events).
         */
        static final long FORWARDED_PER_SINK = 20_000;
        /**
         * Records a batching sink (Kafka, Message Router, a webhook with {@code batch}) is handed: all of them. Its
         * per-record code (the Kafka producer's append, a batch's encoding) runs once per record, a few hundred
         * requests carry them, and 20,000 calls left the producer's append to be compiled inside the first real storm
         * (0.9 s of a core): C2's thresholds grow with its queue, which the warm-up keeps long.
         */
        static final long FORWARDED_PER_BATCHING_SINK = Long.MAX_VALUE;
        private final Sink sink;
        private final long forwardedAtMost;
        private final AtomicLong forwarded = new AtomicLong();
        final AtomicLong handled = new AtomicLong();

        Counting(Sink sink) {
            this.sink = sink;
            this.forwardedAtMost = sink.maxBatch() > 1 ? FORWARDED_PER_BATCHING_SINK : FORWARDED_PER_SINK;
        }

        @Override
        public String name() {
            return sink.name();
        }

        @Override
        public CompletionStage<Void> deliver(OutboxRecord record) {
            return counted(1, () -> sink.deliver(record));
        }

        @Override
        public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
            return counted(records.size(), () -> sink.deliverBatch(records));
        }

        private CompletionStage<Void> counted(int n, java.util.function.Supplier<CompletionStage<Void>> delivery) {
            if (forwarded.addAndGet(n) > forwardedAtMost) { // enough to compile it: the rest is counted only
                handled.addAndGet(n);
                return CompletableFuture.completedFuture(null);
            }
            CompletionStage<Void> stage;
            try {
                stage = delivery.get();
            } catch (RuntimeException e) {
                stage = CompletableFuture.failedFuture(e);
            }
            return stage.handle((ok, error) -> {
                handled.addAndGet(n);
                return null;
            });
        }

        @Override
        public int maxBatch() {
            return sink.maxBatch();
        }

        @Override
        public long maxBatchDelayMillis() {
            return sink.maxBatchDelayMillis();
        }

        @Override
        public int maxInFlight() {
            return sink.maxInFlight();
        }
    }

    /** Takes batches as the Kafka and Message Router sinks do (500 a call, several in flight) and drops them. */
    private static final class DiscardingSink implements Sink {
        final AtomicLong delivered = new AtomicLong();
        /** Keeps the encoding below from being optimized away. */
        private long bytes;

        @Override
        public String name() {
            return "warm-up";
        }

        @Override
        public CompletionStage<Void> deliver(OutboxRecord record) {
            return deliverBatch(List.of(record));
        }

        @Override
        public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
            for (OutboxRecord r : records) bytes += r.payload().getBytes(StandardCharsets.UTF_8).length; // as a sink encodes it
            delivered.addAndGet(records.size());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public int maxBatch() {
            return 500;
        }

        @Override
        public long maxBatchDelayMillis() {
            return 5;
        }

        @Override
        public int maxInFlight() {
            return 4;
        }
    }
}

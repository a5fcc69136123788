package io.vigil.bench.engine;

import io.vigil.engine.Engine;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Engine#accept}, the ingest hot path, for sources that already exist and are ALIVE (the steady state: a map
 * lookup and a CAS on lastSeen). Run with {@code -t 1} and {@code -t 2}; each thread walks the source set from its
 * own offset so two threads rarely hit the same source at once.
 *
 * <p>Baseline in the same run: {@link #chmBaseline} does only what any ingest must do as a minimum
 * (a ConcurrentHashMap lookup and a volatile store), so {@code accept / chmBaseline} is the engine's overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class EngineAcceptBenchmark {
    @Param({"100000"})
    public int sources;

    private Engine engine;
    private Heartbeat[] heartbeats;
    private java.util.concurrent.ConcurrentHashMap<String, long[]> chm;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new Engine(Clock.systemUTC(), e -> { }, -1);
        engine.configure(List.of(BenchMonitors.monitor(Duration.ofMinutes(10), 3)));
        heartbeats = new Heartbeat[sources];
        chm = new java.util.concurrent.ConcurrentHashMap<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < sources; i++) {
            heartbeats[i] = new Heartbeat(BenchMonitors.EVENT_NAME, BenchMonitors.sourceName(i), now);
            engine.accept(heartbeats[i], Channel.HTTP);
            chm.put(heartbeats[i].sourceName(), new long[1]);
        }
        engine.tick(); // UNKNOWN → ALIVE for all: accept then takes the steady-state path
    }

    /** Per-thread cursor over the sources. */
    @State(Scope.Thread)
    public static class Cursor {
        int i;

        @Setup(Level.Trial)
        public void setUp(EngineAcceptBenchmark b) {
            i = (int) (Thread.currentThread().threadId() * 7919 % b.sources);
        }

        int next(int n) {
            int v = i++;
            if (i == n) i = 0;
            return v;
        }
    }

    @Benchmark
    public Acceptance accept(Cursor c) {
        return engine.accept(heartbeats[c.next(sources)], Channel.HTTP);
    }

    @Benchmark
    public long chmBaseline(Cursor c) {
        Heartbeat hb = heartbeats[c.next(sources)];
        long[] cell = chm.get(hb.sourceName());
        long t = System.currentTimeMillis();
        cell[0] = t;
        return t;
    }
}

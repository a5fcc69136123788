package io.vigil.bench.engine;

import io.vigil.engine.Engine;
import io.vigil.ingest.Channel;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
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
 * The detector's cost per tick with {@code sources} (1M) ALIVE sources scheduled in the timing wheel. Each operation
 * advances a manual clock by 2 ms (the {@link io.vigil.engine.EngineRunner} period) and ticks once, so the result is
 * the detector's CPU per 2 ms of real time.
 * <ul>
 *   <li>{@code idle}: threshold of one day, nothing ever fires: the pure cost of scanning the current bucket
 *       (1M / 16384 buckets ≈ 61 entries).</li>
 *   <li>{@code fleet}: a realistic fleet, every source heartbeats every 60 s with threshold 3 × 60 s; each operation
 *       also accepts the 33 heartbeats that arrive in 2 ms at that rate (16.7k/s), so expired deadlines are re-armed.
 *       Subtract 33 × {@code EngineAcceptBenchmark.accept} for the detector alone.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class EngineTickBenchmark {
    private static final long PERIOD_MILLIS = 2;
    private static final int FLEET_HEARTBEATS_PER_TICK = 33;

    @Param({"1000000"})
    public int sources;

    @Param({"idle", "fleet"})
    public String mode;

    private ManualClock clock;
    private Engine engine;
    private String[] names;
    private int cursor;
    private long fired;

    @Setup(Level.Trial)
    public void setUp() {
        clock = new ManualClock(1_700_000_000_000L);
        engine = new Engine(clock, e -> fired++, -1);
        Duration interval = mode.equals("idle") ? Duration.ofHours(8) : Duration.ofSeconds(60);
        engine.configure(List.of(BenchMonitors.monitor(interval, 3)));
        names = BenchMonitors.sourceNames(sources);
        // first heartbeats spread over one interval so that deadlines spread over the wheel, as in a real fleet
        long spreadMillis = mode.equals("idle") ? 65_536 : 60_000;
        long step = Math.max(1, spreadMillis * 1000 / sources); // microseconds between two first heartbeats
        long micros = 0;
        for (int i = 0; i < sources; i++) {
            micros += step;
            if (micros >= 1000) {
                clock.advanceMillis(micros / 1000);
                micros %= 1000;
                engine.tick();
            }
            engine.accept(new Heartbeat(BenchMonitors.EVENT_NAME, names[i], 0), Channel.HTTP);
        }
        engine.tick();
        if (engine.scheduledCount() != sources) {
            throw new IllegalStateException("expected " + sources + " scheduled, got " + engine.scheduledCount());
        }
    }

    @Benchmark
    public int tick() {
        if (mode.equals("fleet")) {
            for (int k = 0; k < FLEET_HEARTBEATS_PER_TICK; k++) {
                engine.accept(new Heartbeat(BenchMonitors.EVENT_NAME, names[cursor], 0), Channel.HTTP);
                if (++cursor == sources) cursor = 0;
            }
        }
        clock.advanceMillis(PERIOD_MILLIS);
        engine.tick();
        return engine.scheduledCount();
    }
}

package io.vigil.bench.engine;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one ONSET costs the detector thread besides the wheel: the engine's {@code emit} makes two
 * {@code UUID.randomUUID()} strings (event id and outage id, SecureRandom-backed) and a reason string. This
 * compares that with UUIDs drawn from {@link ThreadLocalRandom}, to size the storm figure of {@code OnsetLag}
 * (1M sources silent at once: every ONSET is emitted by the one detector thread, one after the other).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OnsetEmitBenchmark {
    private long silent = 180_001;

    @Benchmark
    public String secureRandomUuid() {
        return UUID.randomUUID().toString();
    }

    @Benchmark
    public String threadLocalRandomUuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        // version 4, IETF variant, as UUID.randomUUID but from a non-blocking PRNG
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }

    @Benchmark
    public String reasonString() {
        return "silent " + silent + " ms > " + 3 + " x " + 60_000L + " ms";
    }
}

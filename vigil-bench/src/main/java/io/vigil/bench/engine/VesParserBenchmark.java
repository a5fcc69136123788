package io.vigil.bench.engine;

import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.nio.charset.StandardCharsets;
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
 * {@link VesParser} on the same 594-byte VES heartbeat the HTTP figures use (STACK.md), alone and as an eventList of
 * 100. Average time per call; divide {@code eventList100} by 100 for the cost per heartbeat in a batch.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VesParserBenchmark {
    private final byte[] single = VesSamples.single("vnf-000042").getBytes(StandardCharsets.UTF_8);
    private final byte[] list100 = VesSamples.list(100).getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public Heartbeat singleEvent() throws VesFormatException {
        return VesParser.parseEvent(single);
    }

    @Benchmark
    public VesBatch eventList100() throws VesFormatException {
        return VesParser.parse(list100);
    }
}

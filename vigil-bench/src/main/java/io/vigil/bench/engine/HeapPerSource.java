package io.vigil.bench.engine;

import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.engine.Engine;
import io.vigil.ingest.Channel;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.List;

/**
 * Heap per tracked source: creates N sources ({@code vnf-000001}, …) in an {@link Engine}, ticks once so every source
 * is ALIVE and scheduled in the timing wheel (the steady state), forces GC and reports the used-heap delta per source.
 *
 * <p>Three figures, so the cost of the names is visible: (1) the names alone (the {@code String}s the ingest
 * path would hand over anyway), (2) the engine with those names, (3) the engine's own cost = (2) − (1). The names are
 * kept reachable across the measurement, so the engine's delta excludes them, which is how we report the engine's own
 * cost; the "total" column adds them back.
 *
 * <p>Run in a fresh JVM, optionally naming the detector ({@code missed-count}, the default here, {@code phi-accrual} or
 * {@code adaptive}); each source gets a few heartbeats so that learning detectors hold learnt state:
 * {@code java -Xmx2g -cp vigil-bench.jar io.vigil.bench.engine.HeapPerSource 1000000 adaptive}
 */
public final class HeapPerSource {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapPerSource() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String type = args.length > 1 ? args[1] : "missed-count";
        DetectorSpec spec = switch (type) {
            case "missed-count" -> DetectorSpec.MISSED_COUNT;
            case "phi-accrual" -> DetectorSpec.PhiAccrual.defaults();
            case "adaptive" -> DetectorSpec.ADAPTIVE;
            default -> throw new IllegalArgumentException("detector must be missed-count, phi-accrual or adaptive: " + type);
        };
        long base = usedAfterGc();
        String[] names = BenchMonitors.sourceNames(n);
        long withNames = usedAfterGc();

        ManualClock clock = new ManualClock();
        Engine engine = new Engine(clock, e -> { }, -1);
        engine.configure(List.of(BenchMonitors.monitor(Duration.ofSeconds(60), 3)
                .withDetection(new DetectionRules(spec, List.of(), 1, null))));
        long withEmptyEngine = usedAfterGc();
        for (int round = 0; round < 3; round++) { // the first heartbeat makes a source; the next ones are learnt
            for (int i = 0; i < n; i++) {
                engine.accept(new Heartbeat(BenchMonitors.EVENT_NAME, names[i], clock.millis()), Channel.HTTP);
            }
            engine.tick(); // UNKNOWN → ALIVE, each source scheduled in the wheel
            clock.advanceMillis(60_000);
        }
        long withSources = usedAfterGc();
        if (engine.scheduledCount() != n) throw new IllegalStateException("expected " + n + " scheduled sources");

        double namesPer = (withNames - base) / (double) n;
        double enginePer = (withSources - withEmptyEngine) / (double) n;
        System.out.printf("sources=%d detector=%s heapMax=%dMB%n", n, type, Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf("name strings only:        %8.1f B/source (%d MB)%n", namesPer, (withNames - base) >> 20);
        System.out.printf("empty engine (wheel):     %8d MB%n", (withEmptyEngine - withNames) >> 20);
        System.out.printf("engine per source:        %8.1f B/source (%d MB for %d sources)%n", enginePer,
                (withSources - withEmptyEngine) >> 20, n);
        System.out.printf("engine + name per source: %8.1f B/source%n", enginePer + namesPer);
        System.out.printf("total heap used:          %8d MB%n", withSources >> 20);
        // keep both reachable until after the last measurement
        if (names.length + engine.scheduledCount() == 42) System.out.println();
    }

    /** Used heap after several full GCs, once it stops shrinking. */
    static long usedAfterGc() {
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            long used = MEMORY.getHeapMemoryUsage().getUsed();
            if (i >= 3 && used >= last) return used;
            last = Math.min(last, used);
        }
        return last;
    }
}

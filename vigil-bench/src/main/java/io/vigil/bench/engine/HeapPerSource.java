package io.vigil.bench.engine;

import io.vigil.engine.Engine;
import io.vigil.ingest.Channel;
import io.vigil.ves.Heartbeat;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
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
 * <p>Run in a fresh JVM: {@code java -Xmx2g -cp vigil-bench.jar io.vigil.bench.engine.HeapPerSource 1000000}
 */
public final class HeapPerSource {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private HeapPerSource() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        long base = usedAfterGc();
        String[] names = BenchMonitors.sourceNames(n);
        long withNames = usedAfterGc();

        Engine engine = new Engine(Clock.systemUTC(), e -> { }, -1);
        engine.configure(List.of(BenchMonitors.monitor(Duration.ofSeconds(60), 3)));
        long withEmptyEngine = usedAfterGc();
        long now = System.currentTimeMillis();
        for (int i = 0; i < n; i++) {
            engine.accept(new Heartbeat(BenchMonitors.EVENT_NAME, names[i], now), Channel.HTTP);
        }
        engine.tick(); // UNKNOWN → ALIVE, each source scheduled in the wheel
        long withSources = usedAfterGc();
        if (engine.scheduledCount() != n) throw new IllegalStateException("expected " + n + " scheduled sources");

        double namesPer = (withNames - base) / (double) n;
        double enginePer = (withSources - withEmptyEngine) / (double) n;
        System.out.printf("sources=%d heapMax=%dMB%n", n, Runtime.getRuntime().maxMemory() >> 20);
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

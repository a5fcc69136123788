package io.vigil.bench.engine;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import java.time.Duration;

/** The monitors and source names every engine benchmark uses, so figures are comparable across benchmarks. */
public final class BenchMonitors {
    /** The eventName of the benchmark monitor. */
    public static final String EVENT_NAME = "Heartbeat_bench";

    private BenchMonitors() {
    }

    /** One monitor: {@code interval × missed} of silence makes a source MISSING; arrival time base. */
    public static Monitor monitor(Duration interval, int missed) {
        return new Monitor(EVENT_NAME, interval, missed, TimeBase.ARRIVAL, ClosedLoop.NONE);
    }

    /** Distinct, realistic source names: {@code vnf-000001}, {@code vnf-000002}, ... */
    public static String sourceName(int i) {
        return String.format("vnf-%06d", i);
    }

    public static String[] sourceNames(int n) {
        String[] names = new String[n];
        for (int i = 0; i < n; i++) names[i] = sourceName(i);
        return names;
    }
}

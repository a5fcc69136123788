package io.vigil.bench.trace;

import io.vigil.monitor.TimeBase;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The sources of one monitor in the trace benchmark: source {@code s} has the character
 * {@code characters[s % characters.size()]} for the whole trace. The monitor is configured with the first
 * character's interval and the given time base.
 *
 * @param name       short name for tables
 * @param characters the kinds of source, in turn
 * @param timeBase   the monitor's time base ({@code event}: the sender's clock, as ONAP; {@code arrival})
 */
public record Fleet(String name, List<Scenario> characters, TimeBase timeBase) {

    /** The scenarios of docs/benchmarks-detection.md. */
    public static List<Fleet> standard() {
        return List.of(
                one(Scenario.LAN), one(Scenario.JITTER), one(Scenario.JITTER_LOSS), one(Scenario.HEAVY_TAIL),
                // one monitor, three kinds of sender, each keeping its character
                new Fleet("mixed", List.of(Scenario.LAN, Scenario.JITTER, Scenario.JITTER_LOSS), TimeBase.ARRIVAL),
                // senders reconfigured from 1 s to 5 s halfway through; the monitor still says 1 s
                new Fleet("period-change", List.of(Scenario.JITTER.with("period-change", new Scenario.Sender(5000, 0))),
                        TimeBase.ARRIVAL),
                // timeBase event, sender clocks off by up to ±2 s; source 0's clock steps back 2 s halfway through
                new Fleet("clock-skew", List.of(Scenario.JITTER.with("clock-skew", new Scenario.Sender(0, 2000))),
                        TimeBase.EVENT));
    }

    static Fleet one(Scenario sc) {
        return new Fleet(sc.name(), List.of(sc), TimeBase.ARRIVAL);
    }

    /** The monitor's heartbeatInterval. */
    public long intervalMillis() {
        return characters.getFirst().intervalMillis();
    }

    /** Heartbeat arrivals of {@code sources} sources over {@code durationMillis}, and their crashes. */
    public Trace generate(int sources, long durationMillis, long seed) {
        long[][] arrivals = new long[sources][];
        long[][] eventTimes = new long[sources][];
        List<long[]> crashes = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (int s = 0; s < sources; s++) {
            Scenario.Source src = characters.get(s % characters.size()).generate(root.split(), s, durationMillis, crashes);
            arrivals[s] = src.arrivals();
            eventTimes[s] = src.eventTimes();
        }
        return new Trace(this, arrivals, eventTimes, crashes, durationMillis);
    }
}

package io.vigil.bench.trace;

import java.util.List;

/**
 * A generated trace: per source, the sorted arrival times of its heartbeats and the time each one carries (the
 * sender's clock at sending: {@code lastEpochMicrosec}); and every crash as {@code {source, crashedAt, restartedAt}}.
 */
public record Trace(Fleet fleet, long[][] arrivals, long[][] eventTimes, List<long[]> crashes, long durationMillis) {

    /** Every arrival as {@code time << 20 | source}, sorted: the replay order (at most 2^20 sources). */
    public long[] merged() {
        long[] all = new long[heartbeats()];
        int n = 0;
        for (int s = 0; s < arrivals.length; s++) for (long t : arrivals[s]) all[n++] = (t << 20) | s;
        java.util.Arrays.sort(all);
        return all;
    }

    public int heartbeats() {
        int n = 0;
        for (long[] a : arrivals) n += a.length;
        return n;
    }
}

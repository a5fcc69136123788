package io.vigil.bench.engine;

import java.util.Arrays;

/** Collects lags in milliseconds (one writer thread) and reports p50 / p99 / max. */
public final class LagStats {
    private long[] lags;
    private int n;

    public LagStats(int capacity) {
        lags = new long[capacity];
    }

    public void add(long lagMillis) {
        if (n == lags.length) lags = Arrays.copyOf(lags, n * 2);
        lags[n++] = lagMillis;
    }

    public int count() {
        return n;
    }

    /** "n=… p50=… p99=… max=… min=…" in ms, computed on a sorted copy. */
    public String summary() {
        if (n == 0) return "n=0";
        long[] s = Arrays.copyOf(lags, n);
        Arrays.sort(s);
        return String.format("n=%d p50=%d p99=%d max=%d min=%d ms", n, pct(s, 0.50), pct(s, 0.99), s[n - 1], s[0]);
    }

    public long percentile(double p) {
        long[] s = Arrays.copyOf(lags, n);
        Arrays.sort(s);
        return pct(s, p);
    }

    private static long pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}

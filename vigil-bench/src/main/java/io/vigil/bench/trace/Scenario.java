package io.vigil.bench.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How heartbeats of one kind of source travel: the sender's period, network delay and jitter (normal or heavy-tailed),
 * loss in bursts, GC-like sender pauses, real crashes at known times, and optionally a period change or a skewed
 * sender clock ({@link Sender}). A {@link Fleet} of sources of one or several such characters turns into a
 * {@link Trace} with a fixed seed, so every detector replays exactly the same arrivals.
 *
 * @param name           short name for tables
 * @param intervalMillis the sender's heartbeat period
 * @param baseDelayMillis fixed network delay
 * @param jitterMillis   normal jitter σ (jitter model "normal") or the Pareto scale (model "pareto")
 * @param paretoAlpha    0 for normal jitter; else the Pareto shape of a heavy-tailed delay (smaller = heavier)
 * @param lossProbability chance that a loss burst starts at a heartbeat
 * @param maxLossBurst   a burst drops 1..maxLossBurst heartbeats in a row
 * @param pauseProbability chance that the sender pauses (GC) before a heartbeat
 * @param maxPauseMillis a pause lasts uniformly up to this long; heartbeats due meanwhile go out together after it
 * @param meanUpMillis   mean time between a (re)start and the next crash (exponential)
 * @param downMillis     how long a crashed source stays down before it restarts
 * @param sender         period change and clock skew of the sender ({@link Sender#PLAIN}: none)
 */
public record Scenario(String name, long intervalMillis, long baseDelayMillis, double jitterMillis, double paretoAlpha,
                       double lossProbability, int maxLossBurst, double pauseProbability, long maxPauseMillis,
                       long meanUpMillis, long downMillis, Sender sender) {

    /**
     * What the sender does besides sending on schedule.
     *
     * @param laterIntervalMillis 0, or the period the sender switches to halfway through the trace
     * @param maxSkewMillis       0, or the largest offset of the sender's clock (uniform in ±this per source); the
     *                            clock of source 0 also steps back by this much halfway through (an NTP step)
     */
    public record Sender(long laterIntervalMillis, long maxSkewMillis) {
        public static final Sender PLAIN = new Sender(0, 0);
    }

    public static final Scenario LAN = // a quiet LAN: 5 ms normal jitter, rare single losses (0.1 %)
            new Scenario("lan", 1000, 2, 5, 0, 0.001, 1, 0, 0, 20 * 60_000, 30_000, Sender.PLAIN);
    public static final Scenario JITTER = // jitter only: normal delay jitter σ = 100 ms, nothing lost
            new Scenario("jitter", 1000, 20, 100, 0, 0, 1, 0, 0, 20 * 60_000, 30_000, Sender.PLAIN);
    public static final Scenario JITTER_LOSS = // jitter plus trouble: 0.5 % loss bursts of 1–2, 0.2 % GC pauses ≤ 800 ms
            new Scenario("jitter+loss", 1000, 20, 100, 0, 0.005, 2, 0.002, 800, 20 * 60_000, 30_000, Sender.PLAIN);
    public static final Scenario HEAVY_TAIL = // a WAN: Pareto delays (α 2.5, scale 40 ms), 1 % loss bursts of 1–3
            new Scenario("heavy-tail", 1000, 20, 40, 2.5, 0.01, 3, 0.002, 1500, 20 * 60_000, 30_000, Sender.PLAIN);

    /** This character with another sender behaviour. */
    public Scenario with(String newName, Sender newSender) {
        return new Scenario(newName, intervalMillis, baseDelayMillis, jitterMillis, paretoAlpha, lossProbability,
                maxLossBurst, pauseProbability, maxPauseMillis, meanUpMillis, downMillis, newSender);
    }

    /** The arrivals of source {@code s} (sorted), their sender-clock times, and its crashes (added to {@code crashes}). */
    record Source(long[] arrivals, long[] eventTimes) {
    }

    Source generate(SplittableRandom r, int s, long durationMillis, List<long[]> crashes) {
        long period = intervalMillis;
        long[] out = new long[(int) (durationMillis / period * 2) + 16];
        long[] ev = new long[out.length];
        int n = 0;
        long t = r.nextLong(period); // phase
        long crashAt = t + expo(r, meanUpMillis);
        long offset = sender.maxSkewMillis() == 0 ? 0 : (s == 0 ? sender.maxSkewMillis() / 2
                : Math.round((2 * r.nextDouble() - 1) * sender.maxSkewMillis()));
        long half = durationMillis / 2;
        boolean changed = false;
        int lossLeft = 0;
        while (t < durationMillis) {
            if (!changed && t >= half && (sender.laterIntervalMillis() > 0 || sender.maxSkewMillis() > 0)) {
                changed = true;
                if (sender.laterIntervalMillis() > 0) period = sender.laterIntervalMillis();
                if (s == 0 && sender.maxSkewMillis() > 0) offset -= sender.maxSkewMillis(); // its clock steps back
            }
            if (t >= crashAt) { // crashed: silent for downMillis, then restarts with a fresh phase
                crashes.add(new long[] {s, crashAt, crashAt + downMillis});
                t = crashAt + downMillis + r.nextLong(period);
                crashAt = t + expo(r, meanUpMillis);
                continue;
            }
            long send = t;
            if (pauseProbability > 0 && r.nextDouble() < pauseProbability) {
                send += (long) (r.nextDouble() * maxPauseMillis); // the sender stalls; the beat goes out late
            }
            if (lossLeft == 0 && r.nextDouble() < lossProbability) lossLeft = 1 + r.nextInt(maxLossBurst);
            if (lossLeft > 0) {
                lossLeft--;
            } else if (send < crashAt) {
                long arrival = send + baseDelayMillis + Math.round(delay(r));
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                    ev = Arrays.copyOf(ev, n * 2);
                }
                ev[n] = send + offset;
                out[n++] = arrival;
            }
            t = Math.max(t + period, send); // after a pause the schedule resumes from its end
        }
        // sort by arrival, keeping each arrival's sender time with it (n < 2^20 per source)
        long[] order = new long[n];
        for (int i = 0; i < n; i++) order[i] = (out[i] << 20) | i;
        Arrays.sort(order);
        long[] a = new long[n], e = new long[n];
        for (int i = 0; i < n; i++) {
            int j = (int) (order[i] & 0xFFFFF);
            a[i] = out[j];
            e[i] = ev[j];
        }
        return new Source(a, e);
    }

    private double delay(SplittableRandom r) {
        if (paretoAlpha > 0) {
            // Pareto(α, scale) minus its scale: most delays are small, a few are very long
            return jitterMillis * (Math.pow(1 - r.nextDouble(), -1 / paretoAlpha) - 1);
        }
        return Math.max(0, jitterMillis * gaussian(r));
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static long expo(SplittableRandom r, long mean) {
        return (long) (-mean * Math.log(1 - r.nextDouble()));
    }
}

package io.vigil.bench.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * How heartbeats of one kind of source travel: the sender's period, network delay and jitter (normal or heavy-tailed),
 * loss in bursts, GC-like sender pauses, and real crashes at known times. {@link #generate} turns it into a
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
 */
public record Scenario(String name, long intervalMillis, long baseDelayMillis, double jitterMillis, double paretoAlpha,
                       double lossProbability, int maxLossBurst, double pauseProbability, long maxPauseMillis,
                       long meanUpMillis, long downMillis) {

    /** The scenarios of docs/benchmarks-detection.md. */
    public static List<Scenario> standard() {
        return List.of(
                // a quiet LAN: 5 ms normal jitter, rare single losses (0.1 %)
                new Scenario("lan", 1000, 2, 5, 0, 0.001, 1, 0, 0, 20 * 60_000, 30_000),
                // jitter only: normal delay jitter σ = 100 ms, nothing lost
                new Scenario("jitter", 1000, 20, 100, 0, 0, 1, 0, 0, 20 * 60_000, 30_000),
                // jitter plus trouble: 0.5 % loss bursts of up to 2 beats, 0.2 % GC pauses of up to 800 ms
                new Scenario("jitter+loss", 1000, 20, 100, 0, 0.005, 2, 0.002, 800, 20 * 60_000, 30_000),
                // a WAN with heavy-tailed delays (Pareto, α = 2.5, scale 40 ms), 1 % loss bursts of up to 3
                new Scenario("heavy-tail", 1000, 20, 40, 2.5, 0.01, 3, 0.002, 1500, 20 * 60_000, 30_000));
    }

    /** Heartbeat arrivals of {@code sources} sources over {@code durationMillis}, and their crashes. */
    public Trace generate(int sources, long durationMillis, long seed) {
        long[][] arrivals = new long[sources][];
        List<long[]> crashes = new ArrayList<>();
        SplittableRandom root = new SplittableRandom(seed);
        for (int s = 0; s < sources; s++) {
            SplittableRandom r = root.split();
            long[] out = new long[(int) (durationMillis / intervalMillis * 2) + 16];
            int n = 0;
            long t = r.nextLong(intervalMillis); // phase
            long crashAt = t + expo(r, meanUpMillis);
            int lossLeft = 0;
            while (t < durationMillis) {
                if (t >= crashAt) { // crashed: silent for downMillis, then restarts with a fresh phase
                    crashes.add(new long[] {s, crashAt, crashAt + downMillis});
                    t = crashAt + downMillis + r.nextLong(intervalMillis);
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
                    if (n == out.length) out = Arrays.copyOf(out, n * 2);
                    out[n++] = arrival;
                }
                t = Math.max(t + intervalMillis, send); // after a pause the schedule resumes from its end
            }
            long[] a = Arrays.copyOf(out, n);
            Arrays.sort(a);
            arrivals[s] = a;
        }
        return new Trace(this, arrivals, crashes, durationMillis);
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

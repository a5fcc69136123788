package io.vigil.detect;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The loss-aware adaptive detector ({@code detector: {type: adaptive}}), Vigil's default for YAML monitors: it starts
 * at ONAP's rule and tightens a source's limit only as far as the evidence allows, per source and per fleet.
 *
 * <h2>Model</h2>
 * For each heartbeat that moves a source's lastSeen forward the engine reports the interval between the two
 * heartbeats' times ({@code g}, by the monitor's time base) and the silence the source had when it arrived
 * ({@code s = arrival − previous lastSeen}; equal to {@code g} with {@code timeBase: arrival}, larger by the
 * network delay and the sender's clock offset with {@code timeBase: event}). Per source the detector learns
 * <ul>
 *   <li>the period {@code μ}: exponentially weighted mean of {@code g / k}, where {@code k = max(1, round(g / μ))}
 *       is the number of periods the gap spans, so that a lost heartbeat (a gap of 2μ) does not stretch the period
 *       (Chen, Toueg, Aguilera, "On the Quality of Service of Failure Detectors", IEEE ToC 51(5), 2002: the
 *       expected arrival times are estimated from the sending period, not from raw gaps);</li>
 *   <li>the lateness {@code x = s − k·μ} of each arrival behind its expected time: its exponentially weighted mean
 *       {@code m} (the average network delay plus clock offset, 0 with arrival times) and mean absolute deviation
 *       {@code a} (Jacobson's RTT estimator, SIGCOMM 1988, as Chen's safety margin learnt per source, robust
 *       to the heavy tails that break phi-accrual's normal model);</li>
 *   <li>runs of missed heartbeats: {@code k − 1} heartbeats that were lost or so late that the next one came first
 *       (a GC pause of the sender looks the same and is treated the same).</li>
 * </ul>
 * and the limit is
 * <pre>
 *   limit = clamp( (1 + r)·μ + max(0, m) + max(c·a, μ/50),   heartbeatInterval,   heartbeatInterval × missedHeartbeats )
 * </pre>
 * where {@code c} is the {@code threshold} knob (default {@value #DEFAULT_THRESHOLD}) and {@code r} the number of
 * consecutive missed heartbeats tolerated. The floor keeps a source alive for at least one configured interval; the
 * ceiling is ONAP's rule, so this detector is never later than {@link MissedCountDetector}.
 *
 * <h2>How many missed heartbeats to tolerate ({@code r})</h2>
 * A lost heartbeat and a crash look the same until the next heartbeat is due, so tolerating {@code r} losses costs
 * {@code r} periods of detection time; not tolerating them costs a false ONSET per such run. The detector tolerates
 * the longest run that this source, or the fleet of its monitor, has shown recently:
 * <ul>
 *   <li><b>own evidence</b>: the longest run of this source since its last {@value #PROOF_BEATS} heartbeats in a row
 *       without any missed one; after that many clean heartbeats the source is <em>proven clean</em> and tolerates
 *       nothing (one miss makes it unproven again);</li>
 *   <li><b>fleet evidence</b> (for sources not proven clean): the longest run seen by any source of the monitor
 *       within the last {@value #FLEET_WINDOW} heartbeats of the monitor. Until the monitor has seen
 *       {@value #FLEET_PROOF} heartbeats, every source's limit is the ceiling: a new monitor (and a monitor just
 *       changed by a reload) starts at ONAP's rule, whatever its senders do. This is what lets a fleet that
 *       never loses a heartbeat be fast within minutes while a fleet that loses one now and then keeps tolerating
 *       one, which no source could prove on its own within hours (Bayesian pooling of a rare-event rate over the
 *       group, in the spirit of the empirical-Bayes estimators).</li>
 * </ul>
 * With {@code P} the per-heartbeat probability of a run longer than tolerated, the false ONSETs per source-hour are
 * at most about {@code 3600 s / period × P}; the evidence windows bound the {@code P} that goes unnoticed by roughly
 * 1 / window.
 *
 * <h2>Period changes and drift</h2>
 * Three gaps in a row that each span two or more periods mean the sender's period changed, not three losses: the
 * period is re-based on the last gap. A source whose learnt period is more than 1.5 × or less than 2/3 of the
 * configured {@code heartbeatInterval} counts as <em>drifting</em> ({@link #driftingSources()}); the engine logs it
 * once per monitor and exports the count. The limit stays within the ceiling: fix the configuration or the senders.
 *
 * <h2>State</h2>
 * One {@code long} per source: μ and a as IEEE half floats without their sign bit (15 bits each), m as a half float
 * (16 bits), all in units of the configured interval (11 significant bits, any interval from milliseconds to hours;
 * an update too small to change the stored value moves it by one step, so the estimates do not stall), the own run
 * (2 bits), consecutive multi-period gaps (2 bits), and a counter of clean heartbeats (4 + 10 bits, in sixteens,
 * saturating at {@value #PROOF_BEATS}). The fleet evidence is a few atomics shared by the monitor's sources, written
 * once per sixteen clean heartbeats of a source and at each run: the detector is thread-safe and allocation-free, but
 * (unlike {@link PhiAccrualDetector}) not stateless; a reload that changes the monitor starts a new fleet window (and
 * the engine starts its sources' state again). {@link #observe} runs inside the caller's compare-and-set loop, so
 * when two threads race on one source its fleet and drift counts may be bumped twice: they are estimates.
 *
 * <h2>What it achieves</h2>
 * Measured by the trace benchmark (docs/benchmarks-detection.md): where the fleet loses no heartbeat or rarely a
 * single one it detects 1.6–2.2 × sooner than ONAP's rule with no more false alarms; where sources lose heartbeats
 * in bursts it stays at ONAP's rule. No detector that decides from a source's silence can do better there: a crash
 * and a burst of losses look the same until the next heartbeat is due, so detecting sooner than
 * {@code (burst + 1)} periods means a false ONSET per such burst.
 */
public final class AdaptiveDetector implements Detector {
    public static final double DEFAULT_THRESHOLD = 10;
    /** Clean heartbeats in a row after which a source is proven clean (own evidence). */
    static final int PROOF_BEATS = 16_368;
    /** Heartbeats of the monitor within which a run of the fleet is remembered. */
    static final long FLEET_WINDOW = 65_536;
    /** Heartbeats the monitor must have seen before its fleet evidence replaces the prior (ONAP's tolerance). */
    static final long FLEET_PROOF = 8_192;
    private static final int MAX_SINCE = 1023; // × 16 heartbeats
    private static final double ALPHA_PERIOD = 1.0 / 16;
    private static final double ALPHA_LATENESS = 1.0 / 64;
    private static final double ALPHA_DEVIATION = 1.0 / 256;
    private static final int WARM_SINCE = 16; // × 16 heartbeats: the deviation learns faster for the first 256
    private static final double INITIAL_DEVIATION = 1.0 / 16; // of the interval, before any sample
    private static final double DRIFT_HIGH = 1.5, DRIFT_LOW = 1 / 1.5;

    private final double c;
    private final long interval;
    private final long upperBound;
    private final int priorRun;
    private final long initial;
    private final AtomicLong fleetBeats = new AtomicLong();
    private final AtomicLongArray runAt = new AtomicLongArray(4); // fleetBeats at the last run of ≥ j, j = 1..3
    private final AtomicInteger drifting = new AtomicInteger();
    private volatile long driftPeriod;

    /**
     * @param threshold        the safety margin in mean absolute deviations of the lateness ({@code c}, > 0)
     * @param intervalMillis   the monitor's heartbeatInterval: starting period, and the floor of the limit
     * @param upperBoundMillis the monitor's interval × missed: the ceiling of the limit
     */
    public AdaptiveDetector(double threshold, long intervalMillis, long upperBoundMillis) {
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive");
        if (intervalMillis < 1 || upperBoundMillis < intervalMillis)
            throw new IllegalArgumentException("need 1 <= interval <= upper bound");
        this.c = threshold;
        this.interval = intervalMillis;
        this.upperBound = upperBoundMillis;
        this.priorRun = (int) Math.min(3, Math.max(0, Math.ceil(upperBoundMillis / (double) intervalMillis) - 1));
        for (int j = 1; j <= 3; j++) runAt.set(j, Long.MIN_VALUE / 2);
        this.initial = pack(1, 0, INITIAL_DEVIATION, 0, 0, 0, 0);
    }

    @Override
    public boolean learns() {
        return true;
    }

    /** Gaps that ended an ONSET are evidence too (a false alarm is exactly what this detector must learn from). */
    @Override
    public boolean learnsWhileMissing() {
        return true;
    }

    @Override
    public long initialState() {
        return initial;
    }

    @Override
    public long observe(long state, long intervalMillis, long silenceMillis) {
        if (intervalMillis <= 0 || intervalMillis > 4 * upperBound) return state; // not a gap of a live sender
        double mu = period(state), m = lateness(state), a = deviation(state);
        int own = ownRun(state), multi = multi(state), sub = sub(state), since = since(state);
        long k = Math.max(1, Math.round(intervalMillis / mu));
        double before = mu / interval;
        if (k >= 2 && ++multi >= 3) { // three multi-period gaps in a row: the period changed
            mu = intervalMillis;
            m = 0;
            own = 0;
            multi = 0;
            since = 0;
            sub = 0;
        } else {
            if (k == 1) multi = 0;
            double x = silenceMillis - k * mu;
            mu += ALPHA_PERIOD * (intervalMillis / (double) k - mu);
            double dev = Math.abs(x - m);
            // a heartbeat later than the margin allows (a false alarm, or a sender clock that stepped back) moves the
            // mean lateness at once; otherwise the mean follows slowly
            m = x - m > c * a ? x - a : m + ALPHA_LATENESS * (x - m);
            a += (since < WARM_SINCE ? ALPHA_LATENESS : ALPHA_DEVIATION) * (dev - a);
            int run = (int) Math.min(3, k - 1);
            if (run > 0) {
                own = since == MAX_SINCE ? run : Math.max(own, run);
                since = 0;
                sub = 0;
                long b = fleetBeats.get();
                for (int j = 1; j <= run; j++) runAt.set(j, b);
            } else if (++sub == 16) {
                sub = 0;
                fleetBeats.getAndAdd(16);
                if (since < MAX_SINCE && ++since == MAX_SINCE) own = 0;
            }
        }
        trackDrift(before, mu / interval, mu);
        return pack(step((state >>> 49) & 0x7FFF, mu / interval), step(state >>> 33, m / interval), step((state >>> 18) & 0x7FFF, a / interval),
                own, multi, sub, since);
    }

    /**
     * {@code updated}, but at least one half-float step away from the stored {@code oldBits} when it moved: an
     * exponentially weighted update smaller than half a step would otherwise round back to the old value, and the
     * estimate would stall up to {@code step / (2α)} away from the truth (31 ms at 1.5 intervals for the lateness).
     */
    private static double step(long oldBits, double updated) {
        short old = (short) oldBits;
        float was = Float.float16ToFloat(old);
        if (Float.floatToFloat16((float) updated) != old || updated == was) return updated;
        int magnitude = old & 0x7FFF;
        boolean negative = (old & 0x8000) != 0;
        if (updated > was) {
            return negative ? Float.float16ToFloat((short) (0x8000 | (magnitude - 1))) : Float.float16ToFloat((short) (magnitude + 1));
        }
        if (negative) return Float.float16ToFloat((short) (0x8000 | (magnitude + 1)));
        return magnitude == 0 ? updated : Float.float16ToFloat((short) (magnitude - 1));
    }

    private void trackDrift(double before, double after, double mu) {
        boolean was = before > DRIFT_HIGH || before < DRIFT_LOW, is = after > DRIFT_HIGH || after < DRIFT_LOW;
        if (is && !was) {
            drifting.incrementAndGet();
            driftPeriod = Math.round(mu);
        } else if (was && !is) {
            drifting.decrementAndGet();
        }
    }

    @Override
    public long silenceLimitMillis(long state) {
        if (fleetBeats.get() < FLEET_PROOF) return upperBound; // a new monitor: ONAP's rule until there is evidence
        double mu = period(state);
        int r = since(state) == MAX_SINCE ? 0 : Math.max(ownRun(state), fleetRun());
        double limit = (1 + r) * mu + Math.max(0, lateness(state)) + Math.max(c * deviation(state), mu / 50);
        return Math.min(upperBound, Math.max(interval, (long) Math.ceil(limit)));
    }

    /** Silence as a fraction of the limit, like missed-count: MISSING above 1. */
    @Override
    public double suspicion(long state, long silenceMillis) {
        return silenceMillis / (double) silenceLimitMillis(state);
    }

    @Override
    public double threshold() {
        return 1.0;
    }

    @Override
    public long upperBoundMillis() {
        return upperBound;
    }

    /** The safety-margin multiplier {@code c}. */
    public double margin() {
        return c;
    }

    /** The longest run of missed heartbeats the monitor's fleet has shown within its window (see the class comment). */
    public int fleetRun() {
        long b = fleetBeats.get();
        if (b < FLEET_PROOF) return priorRun;
        for (int j = 3; j >= 1; j--) if (b - runAt.get(j) < FLEET_WINDOW) return j;
        return 0;
    }

    /** Sources whose learnt period is far (beyond 1.5 × either way) from the configured heartbeatInterval. */
    public int driftingSources() {
        return Math.max(0, drifting.get());
    }

    /** The learnt period of the last source that started drifting, in ms (0 if none ever did). */
    public long driftPeriodMillis() {
        return driftPeriod;
    }

    // ------------------------------------------------------------ packed state

    /** The learnt period μ in ms. */
    public double period(long state) {
        return half((state >>> 49) & 0x7FFF) * interval;
    }

    /** The mean lateness m in ms (network delay and clock offset with event time). */
    public double lateness(long state) {
        return half(state >>> 33) * interval;
    }

    /** The mean absolute deviation a of the lateness, in ms. */
    public double deviation(long state) {
        return half((state >>> 18) & 0x7FFF) * interval;
    }

    /** The longest run of missed heartbeats this source showed since it was last proven clean. */
    public static int ownRun(long state) {
        return (int) (state >>> 16) & 3;
    }

    /** True once the source had {@value #PROOF_BEATS} clean heartbeats in a row. */
    public static boolean provenClean(long state) {
        return since(state) == MAX_SINCE;
    }

    private static int multi(long state) {
        return (int) (state >>> 14) & 3;
    }

    private static int sub(long state) {
        return (int) (state >>> 10) & 0xF;
    }

    private static int since(long state) {
        return (int) state & 0x3FF;
    }

    private static double half(long bits) {
        return Float.float16ToFloat((short) bits);
    }

    /** μ and a are never negative: their half floats lose the sign bit (15 bits each), m keeps it (16 bits). */
    private static long pack(double mu, double m, double a, int own, int multi, int sub, int since) {
        return ((h(mu) & 0x7FFF) << 49) | (h(m) << 33) | ((h(a) & 0x7FFF) << 18) | ((long) own << 16)
                | ((long) multi << 14) | ((long) sub << 10) | since;
    }

    private static long h(double v) {
        return Float.floatToFloat16((float) v) & 0xFFFFL;
    }

    @Override
    public String toString() {
        return "adaptive(threshold=" + c + ", interval=" + interval + "ms, upperBound=" + upperBound + "ms)";
    }
}

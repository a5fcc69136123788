package io.vigil.detect;

/**
 * The φ accrual failure detector (Hayashibara, Défago, Yared, Katayama: "The φ Accrual Failure Detector", SRDS 2004).
 *
 * <p>Inter-arrival times are modelled as a normal distribution N(μ, σ²) learnt per source. After a silence of
 * {@code t} ms the suspicion is
 * <pre>
 *   φ(t) = −log10( 1 − F(t) ),   F(t) = Φ( (t − μ − acceptablePause) / max(σ, minStdDev) )
 * </pre>
 * where Φ is the standard normal CDF. φ = 8 means "the chance that a heartbeat is still coming is 10⁻⁸". A source is
 * MISSING when φ exceeds {@code threshold}; since φ is monotonic in t, that is when
 * <pre>
 *   t > μ + acceptablePause + z · max(σ, minStdDev),   z = Φ⁻¹(1 − 10^−threshold)   (z ≈ 5.61 for threshold 8)
 * </pre>
 * which is what {@link #silenceLimitMillis} returns, capped at the monitor's {@code heartbeatInterval ×
 * missedHeartbeats}: the adaptive detector may only be faster than ONAP's rule, never slower.
 *
 * <p><b>Estimator.</b> The paper keeps a sliding window of the last {@code window} samples. To keep the per-source
 * state to one {@code long}, Vigil uses the running mean and variance with weight {@code α = max(1/n, 2/(window+1))}:
 * exact mean and variance of all samples while fewer than {@code (window+1)/2} have been seen, then an exponentially
 * weighted estimate whose centre of mass matches a {@code window}-sample sliding window. The estimate starts from
 * two pseudo-samples at {@code heartbeatInterval ± heartbeatInterval/4}, like Akka's first-heartbeat estimate.
 * Intervals longer than the upper bound (an outage) are not learnt.
 *
 * <p><b>State layout</b> (one long): μ as a float32 (bits 63..32), σ as an IEEE half float (bits 31..16, so σ is
 * kept with 11 significant bits and clamped at 65504 ms) and the sample count, saturating at 65535 (bits 15..0).
 *
 * <p>Defaults: threshold 8, window 1000, minStdDev 100 ms, acceptablePause 0.
 */
public final class PhiAccrualDetector implements Detector {
    private static final double MAX_STD = 65504;

    private final double threshold;
    private final long upperBound;
    private final double minStd;
    private final double pause;
    private final double alphaFloor;
    private final double z;
    private final long initial;

    /**
     * @param threshold       φ at which a source is MISSING (> 0)
     * @param window          effective number of samples the estimate remembers (≥ 2)
     * @param minStdDevMillis floor of σ, so a very regular source is not declared dead after a tiny delay
     * @param pauseMillis     extra silence always tolerated (a known GC or network pause), added to μ
     * @param intervalMillis  the monitor's heartbeatInterval: the starting estimate of μ
     * @param upperBoundMillis the monitor's interval × missed: the limit is never above it
     */
    public PhiAccrualDetector(double threshold, int window, long minStdDevMillis, long pauseMillis,
                              long intervalMillis, long upperBoundMillis) {
        if (!(threshold > 0)) throw new IllegalArgumentException("threshold must be positive");
        if (window < 2) throw new IllegalArgumentException("window must be >= 2");
        if (minStdDevMillis < 0 || pauseMillis < 0) throw new IllegalArgumentException("minStdDev and acceptablePause must be >= 0");
        this.threshold = threshold;
        this.upperBound = upperBoundMillis;
        this.minStd = Math.max(1, minStdDevMillis);
        this.pause = pauseMillis;
        this.alphaFloor = 2.0 / (window + 1);
        this.z = NormalDistribution.upperQuantile(Math.pow(10, -threshold));
        this.initial = pack(intervalMillis, intervalMillis / 4.0, 2);
    }

    /** The multiplier z = Φ⁻¹(1 − 10^−threshold) of σ in the limit. */
    public double z() {
        return z;
    }

    @Override
    public boolean learns() {
        return true;
    }

    @Override
    public long initialState() {
        return initial;
    }

    @Override
    public long observe(long state, long intervalMillis, long silenceMillis) {
        if (intervalMillis <= 0 || intervalMillis > upperBound) return state;
        double mean = mean(state), sd = stdDev(state);
        int n = Math.min(count(state) + 1, 0xFFFF);
        double alpha = Math.max(1.0 / n, alphaFloor);
        double delta = intervalMillis - mean;
        double newMean = mean + alpha * delta;
        double newVar = (1 - alpha) * (sd * sd + alpha * delta * delta);
        return pack(newMean, Math.sqrt(newVar), n);
    }

    @Override
    public long silenceLimitMillis(long state) {
        double limit = mean(state) + pause + z * Math.max(stdDev(state), minStd);
        return Math.min(upperBound, (long) Math.ceil(limit));
    }

    /** φ after {@code silenceMillis} of silence (may be +∞ far in the tail). */
    @Override
    public double suspicion(long state, long silenceMillis) {
        double y = (silenceMillis - mean(state) - pause) / Math.max(stdDev(state), minStd);
        return -Math.log10(NormalDistribution.upperTail(y));
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public long upperBoundMillis() {
        return upperBound;
    }

    // ------------------------------------------------------------ packed state

    public static double mean(long state) {
        return Float.intBitsToFloat((int) (state >>> 32));
    }

    public static double stdDev(long state) {
        return Float.float16ToFloat((short) (state >>> 16));
    }

    public static int count(long state) {
        return (int) (state & 0xFFFF);
    }

    static long pack(double mean, double sd, int n) {
        long m = Float.floatToRawIntBits((float) mean) & 0xFFFF_FFFFL;
        long s = Float.floatToFloat16((float) Math.min(sd, MAX_STD)) & 0xFFFFL;
        return (m << 32) | (s << 16) | (n & 0xFFFFL);
    }

    @Override
    public String toString() {
        return "phi-accrual(threshold=" + threshold + ", z=" + String.format("%.3f", z) + ", minStdDev=" + minStd
                + "ms, acceptablePause=" + pause + "ms, upperBound=" + upperBound + "ms)";
    }
}

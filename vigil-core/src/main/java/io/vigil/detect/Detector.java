package io.vigil.detect;

/**
 * Decides, from a source's silence and what it learned about that source, when the source is MISSING.
 *
 * <p>A detector is a thread-safe function of one monitor's settings (and, for {@link AdaptiveDetector}, of the evidence
 * pooled over the monitor's sources). The per-source state it needs
 * is a single {@code long} that the engine stores with the source and updates with a compare-and-set on every
 * heartbeat (see {@link #observe}); so a detector costs no allocation on the hot path and at most 8 bytes per source.
 *
 * <p>Contract: {@link #silenceLimitMillis} never exceeds the upper bound given at creation (the monitor's
 * {@code heartbeatInterval × missedHeartbeats}): whatever the detector learns, a source silent longer than that is
 * MISSING.
 */
public sealed interface Detector permits MissedCountDetector, PhiAccrualDetector, AdaptiveDetector {

    /** True when the detector learns from inter-arrival times, i.e. {@link #observe} must be called. */
    boolean learns();

    /** The state of a source heard of for the first time. */
    long initialState();

    /**
     * True when gaps of a MISSING source (the heartbeats that end or follow an ONSET) are evidence too; by default
     * only a live source's gaps are learnt.
     */
    default boolean learnsWhileMissing() {
        return false;
    }

    /**
     * The state after one more inter-arrival interval. Pure in the per-source state: returns the new state, the
     * caller stores it.
     *
     * @param intervalMillis time between this heartbeat and the previous one by the monitor's time base, positive
     * @param silenceMillis  the silence the source had when this heartbeat arrived ({@code arrival − previous
     *                       lastSeen}): equal to the interval with {@code timeBase: arrival}, larger by the delay and
     *                       the sender's clock offset with {@code timeBase: event}
     */
    long observe(long state, long intervalMillis, long silenceMillis);

    /** {@link #observe(long, long, long)} for an arrival-time interval (the silence is the interval). */
    default long observe(long state, long intervalMillis) {
        return observe(state, intervalMillis, intervalMillis);
    }

    /** Silence, in ms since the last heartbeat, beyond which a source in {@code state} is MISSING. */
    long silenceLimitMillis(long state);

    /**
     * How suspect a source silent for {@code silenceMillis} is, for views and benchmarks: φ for phi-accrual, the
     * fraction of the limit for missed-count and adaptive. MISSING when above {@link #threshold()}.
     */
    double suspicion(long state, long silenceMillis);

    /** The suspicion level at which a source is MISSING. */
    double threshold();

    /** The upper bound of {@link #silenceLimitMillis}, in ms. */
    long upperBoundMillis();
}

package io.vigil.detect;

/**
 * Decides, from a source's silence and what it learned about that source, when the source is MISSING.
 *
 * <p>A detector is a pure, immutable, thread-safe function of one monitor's settings. The per-source state it needs
 * is a single {@code long} that the engine stores with the source and updates with a compare-and-set on every
 * heartbeat (see {@link #observe}); so a detector costs no allocation on the hot path and at most 8 bytes per source.
 *
 * <p>Contract: {@link #silenceLimitMillis} never exceeds the upper bound given at creation (the monitor's
 * {@code heartbeatInterval × missedHeartbeats}): whatever the detector learns, a source silent longer than that is
 * MISSING.
 */
public sealed interface Detector permits MissedCountDetector, PhiAccrualDetector {

    /** True when the detector learns from inter-arrival times, i.e. {@link #observe} must be called. */
    boolean learns();

    /** The state of a source heard of for the first time. */
    long initialState();

    /**
     * The state after one more inter-arrival interval. Pure: returns the new state, the caller stores it.
     *
     * @param intervalMillis time between this heartbeat and the previous one, positive
     */
    long observe(long state, long intervalMillis);

    /** Silence, in ms since the last heartbeat, beyond which a source in {@code state} is MISSING. */
    long silenceLimitMillis(long state);

    /**
     * How suspect a source silent for {@code silenceMillis} is, for views and benchmarks: φ for phi-accrual, the
     * fraction of the limit for missed-count. MISSING when above {@link #threshold()}.
     */
    double suspicion(long state, long silenceMillis);

    /** The suspicion level at which a source is MISSING. */
    double threshold();

    /** The upper bound of {@link #silenceLimitMillis}, in ms. */
    long upperBoundMillis();
}

package io.vigil.detect;

/**
 * ONAP's rule, Vigil's default: a source is MISSING when {@code now − lastSeen > heartbeatInterval × missedHeartbeats}.
 * Learns nothing and keeps no per-source state.
 */
public record MissedCountDetector(long upperBoundMillis) implements Detector {

    public MissedCountDetector {
        if (upperBoundMillis < 1) throw new IllegalArgumentException("upperBoundMillis must be positive");
    }

    @Override
    public boolean learns() {
        return false;
    }

    @Override
    public long initialState() {
        return 0;
    }

    @Override
    public long observe(long state, long intervalMillis, long silenceMillis) {
        return state;
    }

    @Override
    public long silenceLimitMillis(long state) {
        return upperBoundMillis;
    }

    @Override
    public double suspicion(long state, long silenceMillis) {
        return silenceMillis / (double) upperBoundMillis;
    }

    @Override
    public double threshold() {
        return 1.0;
    }
}

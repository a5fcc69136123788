package io.vigil.peer;

/**
 * The timing rules of one running endpoint.
 *
 * @param intervalMillis       heartbeat period
 * @param timeoutMillis        silence beyond the interval before a peer times out
 * @param reconnectAttempts    attempts after a timeout (multicast: after a lost group) before giving up
 * @param reconnectSleepMillis pause between attempts
 */
public record Timing(long intervalMillis, long timeoutMillis, int reconnectAttempts, long reconnectSleepMillis) {

    /** How long a peer may stay silent: interval + timeout. A peer last heard at t times out at t + this. */
    public long silenceLimitMillis() {
        return intervalMillis + timeoutMillis;
    }

    /** How often the edge should tick the protocol so that a timeout is noticed at most this late. */
    public long tickMillis() {
        long finest = Math.min(intervalMillis, Math.max(timeoutMillis, 1));
        return Math.max(1, Math.min(20, finest / 10));
    }
}

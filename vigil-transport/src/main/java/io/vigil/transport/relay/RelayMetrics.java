package io.vigil.transport.relay;

/**
 * Live figures of one relay, for binding to gauges and counters (e.g. Micrometer {@code FunctionCounter} /
 * {@code Gauge} on these getters). Every getter is thread-safe and cheap.
 */
public interface RelayMetrics {

    /** The sink this relay feeds. */
    String sinkName();

    /** Records delivered and acknowledged since start (monotonic counter). */
    long delivered();

    /** Delivery attempts that failed and will be retried (monotonic counter). */
    long failedAttempts();

    /** The pause currently being waited out before a retry, in ms; 0 when not backing off. */
    long currentBackoffMillis();

    /**
     * Outbox positions not yet delivered: the highest seq the relay has seen minus the last acknowledged seq. Seqs may
     * have gaps, so this is an upper bound on the record count; 0 means caught up with everything seen.
     */
    long lagRecords();

    /** Age of the oldest undelivered record the relay is working on, in ms (now − its createdAt); 0 when idle. */
    long oldestUndeliveredAgeMillis();

    /** Duration of the last successful delivery call, in nanoseconds; 0 before the first. */
    long lastDeliveryLatencyNanos();

    /** Seq of the last record acknowledged by this relay; −1 before the first. */
    long lastAcknowledgedSeq();
}

package io.vigil.engine;

/**
 * What a {@link ChangeEvent} is. Its {@link #name()} is the {@code kind} written to the outbox, the store, the events
 * API, metrics labels and the Kafka {@code kind} header.
 */
public enum ChangeKind {
    /** The source went MISSING: an outage opens. */
    ONSET,
    /** A MISSING source is heard again: its outage closes. */
    ABATED,
    /** The first heartbeat of a source (UNKNOWN to ALIVE): recorded, not an alarm. */
    ALIVE,
    /** The source changed state too often: its notifications are held. */
    FLAPPING_START,
    /** The source has been stable for the flapping window. */
    FLAPPING_END;

    /** True for the kinds that open or close an outage. */
    public boolean isOutageChange() {
        return this == ONSET || this == ABATED;
    }
}

package io.vigil.ingest;

/** What the engine did with one heartbeat. */
public enum Acceptance {
    /** In the engine; it counts for liveness. */
    ACCEPTED,
    /** No monitor has this eventName: counted and dropped. */
    UNKNOWN_EVENT_NAME,
    /** This instance does not own detection for the source (standby, or another owner); dropped. */
    NOT_OWNER,
    /**
     * A new source past {@code limits.maxSources} or {@code limits.newSourcesPerSecond}: refused and counted (HTTP
     * answers 429); known sources keep working. See {@link SourceAdmission}.
     */
    SOURCE_LIMIT
}

package io.vigil.ves;

/**
 * One heartbeat as ingest hands it to the engine.
 *
 * @param eventName       {@code commonEventHeader.eventName}
 * @param sourceName      {@code commonEventHeader.sourceName}
 * @param eventTimeMillis {@code lastEpochMicrosec} in milliseconds (values ≤ 1e15 are taken as milliseconds already)
 */
public record Heartbeat(String eventName, String sourceName, long eventTimeMillis) {
    /**
     * 2000-01-01T00:00:00Z. An event time before it (0 or 1 from a sender without a clock, say) is not believed: the
     * engine takes the arrival time instead, as it does for a time in the future. Without that, 0 would leave the
     * source UNKNOWN for ever and 1 would raise its ONSET at once.
     */
    public static final long EARLIEST_EVENT_TIME_MILLIS = 946_684_800_000L;
}

package io.vigil.ves;

/**
 * One heartbeat as ingest hands it to the engine.
 *
 * @param eventName       {@code commonEventHeader.eventName}
 * @param sourceName      {@code commonEventHeader.sourceName}
 * @param eventTimeMillis {@code lastEpochMicrosec} in milliseconds (values ≤ 1e15 are taken as milliseconds already)
 */
public record Heartbeat(String eventName, String sourceName, long eventTimeMillis) {
}

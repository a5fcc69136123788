package io.vigil.engine;

/**
 * A liveness transition of one source, as the engine decides it.
 *
 * @param eventId          unique id of this change event
 * @param source           the source
 * @param from             previous state
 * @param to               new state
 * @param atMillis         when the engine decided it
 * @param lastSeenMillis   the source's last heartbeat time at that moment
 * @param outageId         the outage this event belongs to (shared by its ONSET and ABATED); null for other events
 * @param alarmStartMillis the outage's start (ONSET time); 0 for other events
 * @param alarmEndMillis   the outage's end (ABATED time); 0 unless this is an ABATED
 * @param reason           why, for humans and logs (e.g. "silent 3000 ms > 3 x 1000 ms", "heartbeat received")
 */
public record ChangeEvent(
        String eventId,
        SourceKey source,
        LivenessState from,
        LivenessState to,
        long atMillis,
        long lastSeenMillis,
        String outageId,
        long alarmStartMillis,
        long alarmEndMillis,
        String reason) {

    /** The kind sinks see: {@code ONSET}, {@code ABATED}, or {@code ALIVE} for a first heartbeat. */
    public String kind() {
        if (to == LivenessState.MISSING) return "ONSET";
        if (from == LivenessState.MISSING) return "ABATED";
        return "ALIVE";
    }

    /** True for the events that open or close an outage and are published to sinks. */
    public boolean isAlarm() {
        return to == LivenessState.MISSING || from == LivenessState.MISSING;
    }

    /** The source's durable state after this event. */
    public SourceSnapshot snapshotAfter() {
        return to == LivenessState.MISSING
                ? new SourceSnapshot(source, to, lastSeenMillis, outageId, alarmStartMillis)
                : new SourceSnapshot(source, to, lastSeenMillis, null, 0);
    }
}

package io.vigil.engine;

import org.jspecify.annotations.Nullable;

/**
 * A liveness change of one source, as the engine decides it.
 *
 * <p>Every change event is recorded (the source's state in the store, the event in the events API). Only those with
 * {@link #isPublished()} go to the outbox and on to sinks: the others were held by a silence, a dependency or
 * flapping ({@link #published} false, {@link #reason} says why), or are not alarms (a first heartbeat, the start
 * and end of flapping). A held ONSET that is published later (the silence ended, the parent recovered, flapping
 * stopped, and the source is still MISSING) is a second event with the same outageId and a new eventId.
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
 * @param kind             what it is ({@link ChangeKind}): ONSET, ABATED, ALIVE (first heartbeat), FLAPPING_START or
 *                         FLAPPING_END
 * @param published        false when the event is recorded only (held, or not an alarm)
 */
public record ChangeEvent(
        String eventId,
        SourceKey source,
        LivenessState from,
        LivenessState to,
        long atMillis,
        long lastSeenMillis,
        @Nullable String outageId,
        long alarmStartMillis,
        long alarmEndMillis,
        String reason,
        ChangeKind kind,
        boolean published) {

    public static final ChangeKind ONSET = ChangeKind.ONSET;
    public static final ChangeKind ABATED = ChangeKind.ABATED;
    public static final ChangeKind ALIVE = ChangeKind.ALIVE;
    public static final ChangeKind FLAPPING_START = ChangeKind.FLAPPING_START;
    public static final ChangeKind FLAPPING_END = ChangeKind.FLAPPING_END;

    public ChangeEvent {
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** A liveness transition with its kind derived from the states, published when it is an alarm. */
    public ChangeEvent(String eventId, SourceKey source, LivenessState from, LivenessState to, long atMillis,
                       long lastSeenMillis, @Nullable String outageId, long alarmStartMillis, long alarmEndMillis, String reason) {
        this(eventId, source, from, to, atMillis, lastSeenMillis, outageId, alarmStartMillis, alarmEndMillis, reason,
                kindOf(from, to), to == LivenessState.MISSING || from == LivenessState.MISSING);
    }

    private static ChangeKind kindOf(LivenessState from, LivenessState to) {
        if (to == LivenessState.MISSING) return ONSET;
        if (from == LivenessState.MISSING) return ABATED;
        return ALIVE;
    }

    /** True for the events that open or close an outage (ONSET, ABATED), published or held. */
    public boolean isOutageChange() {
        return kind.isOutageChange();
    }

    /**
     * True for the ONSETs and ABATEDs that are published: they go to the outbox and on to the sinks. A held ONSET (or
     * the ABATED of a held outage) is not an alarm: it is recorded only.
     */
    public boolean isAlarm() {
        return published && isOutageChange();
    }

    /** Same as {@link #isAlarm()}. */
    public boolean isPublished() {
        return isAlarm();
    }

    /** The source's durable state after this event. */
    public SourceSnapshot snapshotAfter() {
        return to == LivenessState.MISSING
                ? new SourceSnapshot(source, to, lastSeenMillis, outageId, alarmStartMillis)
                : new SourceSnapshot(source, to == LivenessState.UNKNOWN ? LivenessState.ALIVE : to, lastSeenMillis, null, 0);
    }
}

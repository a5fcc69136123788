package io.vigil.monitor;

import java.time.Duration;
import java.util.Objects;

/**
 * The missed-heartbeat rule for every source of one eventName.
 * A source is MISSING when {@code now - lastSeen > heartbeatInterval * missedHeartbeats}.
 *
 * @param eventName        VES {@code commonEventHeader.eventName} this monitor owns
 * @param heartbeatInterval expected time between two heartbeats (positive)
 * @param missedHeartbeats how many intervals may pass silently before the source is MISSING (≥ 1)
 * @param timeBase         where lastSeen comes from
 * @param closedLoop       ONAP control-loop fields for ONSET/ABATED events
 */
public record Monitor(
        String eventName,
        Duration heartbeatInterval,
        int missedHeartbeats,
        TimeBase timeBase,
        ClosedLoop closedLoop) {

    public Monitor {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero())
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        if (missedHeartbeats < 1) throw new IllegalArgumentException("missedHeartbeats must be >= 1");
        if (timeBase == null) timeBase = TimeBase.EVENT;
        if (closedLoop == null) closedLoop = ClosedLoop.NONE;
    }

    /** Silence longer than this makes a source MISSING, in milliseconds. */
    public long thresholdMillis() {
        return heartbeatInterval.toMillis() * missedHeartbeats;
    }
}

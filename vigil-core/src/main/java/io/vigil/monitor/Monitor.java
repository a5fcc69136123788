package io.vigil.monitor;

import io.vigil.detect.DetectionRules;
import java.time.Duration;
import java.util.Objects;

/**
 * The missed-heartbeat rule for every source of one eventName.
 * A source is MISSING when {@code now - lastSeen > heartbeatInterval * missedHeartbeats} (the default detector);
 * an adaptive detector may decide sooner, never later.
 *
 * @param eventName        VES {@code commonEventHeader.eventName} this monitor owns
 * @param heartbeatInterval expected time between two heartbeats (positive)
 * @param missedHeartbeats how many intervals may pass silently before the source is MISSING (≥ 1)
 * @param timeBase         where lastSeen comes from
 * @param closedLoop       ONAP control-loop fields for ONSET/ABATED events
 * @param detection        detector, expected sources, recovery hysteresis and flapping (ONAP's behaviour by default)
 */
public record Monitor(
        String eventName,
        Duration heartbeatInterval,
        int missedHeartbeats,
        TimeBase timeBase,
        ClosedLoop closedLoop,
        DetectionRules detection) {

    public Monitor {
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero())
            throw new IllegalArgumentException("heartbeatInterval must be positive");
        if (missedHeartbeats < 1) throw new IllegalArgumentException("missedHeartbeats must be >= 1");
        if (timeBase == null) timeBase = TimeBase.EVENT;
        if (closedLoop == null) closedLoop = ClosedLoop.NONE;
        if (detection == null) detection = DetectionRules.DEFAULT;
    }

    /** A monitor with ONAP's detection behaviour. */
    public Monitor(String eventName, Duration heartbeatInterval, int missedHeartbeats, TimeBase timeBase, ClosedLoop closedLoop) {
        this(eventName, heartbeatInterval, missedHeartbeats, timeBase, closedLoop, DetectionRules.DEFAULT);
    }

    /** This monitor with other detection rules. */
    public Monitor withDetection(DetectionRules rules) {
        return new Monitor(eventName, heartbeatInterval, missedHeartbeats, timeBase, closedLoop, rules);
    }

    /** Silence longer than this makes a source MISSING, in milliseconds. */
    public long thresholdMillis() {
        return heartbeatInterval.toMillis() * missedHeartbeats;
    }
}

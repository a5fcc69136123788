package io.vigil.detect;

import java.util.List;
import java.util.Objects;

/**
 * The detection settings of one monitor beyond ONAP's interval and missed count.
 *
 * @param detector           which detector decides MISSING (default {@code missed-count})
 * @param expectedSources    sourceNames that must show up: each gets an ONSET if silent for one full
 *                           interval × missed after startup or after it was added (ONAP never alarms a source it has
 *                           not heard from)
 * @param recoveryHeartbeats heartbeats in a row (each within interval × missed of the previous one) before a MISSING
 *                           source is ABATED (default 1: the first heartbeat)
 * @param flapping           flap detection, or null when off (the default)
 */
public record DetectionRules(DetectorSpec detector, List<String> expectedSources, int recoveryHeartbeats, FlapRule flapping) {

    public static final DetectionRules DEFAULT = new DetectionRules(DetectorSpec.MISSED_COUNT, List.of(), 1, null);

    public DetectionRules {
        Objects.requireNonNull(detector, "detector");
        expectedSources = expectedSources == null ? List.of() : List.copyOf(expectedSources);
        if (recoveryHeartbeats < 1) throw new IllegalArgumentException("recoveryHeartbeats must be >= 1");
    }

    /** True when a source needs per-source state beyond the basics (learning detector, recovery count, flap history). */
    public boolean needsSourceState() {
        return !(detector instanceof DetectorSpec.MissedCount) || recoveryHeartbeats > 1 || flapping != null;
    }
}

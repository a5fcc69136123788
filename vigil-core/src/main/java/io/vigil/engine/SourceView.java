package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import io.vigil.ingest.Channel;

/**
 * A read-only look at one tracked source, for the API.
 *
 * @param key              the source
 * @param state            liveness state
 * @param lastSeenMillis   last heartbeat time (per the monitor's time base)
 * @param channel          the ingest path of its last heartbeat (null if restored and not heard since)
 * @param outageId         current outage id while MISSING
 * @param alarmStartMillis current outage start while MISSING
 * @param deadlineMillis   when it will be declared missing if silent (0 while MISSING or held)
 * @param flapping         true while the source is FLAPPING
 * @param onsetHeld        while MISSING with its ONSET not published: why (silence, parent, flapping); else null
 * @param heldBy           while its ONSET is held by a dependency: the parent whose outage holds it (MISSING,
 *                         overdue, or recovered less than one threshold of this source ago); else null
 * @param suspicion        the detector's suspicion now (φ for phi-accrual, silence / threshold for missed-count)
 */
public record SourceView(
        SourceKey key,
        LivenessState state,
        long lastSeenMillis,
        @Nullable Channel channel,
        @Nullable String outageId,
        long alarmStartMillis,
        long deadlineMillis,
        boolean flapping,
        @Nullable String onsetHeld,
        @Nullable SourceKey heldBy,
        double suspicion) {

    public SourceView(SourceKey key, LivenessState state, long lastSeenMillis, @Nullable Channel channel, @Nullable String outageId,
                      long alarmStartMillis, long deadlineMillis) {
        this(key, state, lastSeenMillis, channel, outageId, alarmStartMillis, deadlineMillis, false, null, null, 0);
    }
}

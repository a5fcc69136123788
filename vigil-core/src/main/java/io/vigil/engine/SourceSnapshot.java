package io.vigil.engine;

import org.jspecify.annotations.Nullable;

/**
 * The durable state of one source: what the store keeps and what a restarted engine restores from.
 *
 * @param key              the source
 * @param state            its liveness state
 * @param lastSeenMillis   last heartbeat time (per the monitor's time base), 0 if never seen
 * @param outageId         id of the current outage (ONAP requestID) while MISSING, else null
 * @param alarmStartMillis when the current outage started (its ONSET time) while MISSING, else 0
 */
public record SourceSnapshot(
        SourceKey key,
        LivenessState state,
        long lastSeenMillis,
        @Nullable String outageId,
        long alarmStartMillis) {
}

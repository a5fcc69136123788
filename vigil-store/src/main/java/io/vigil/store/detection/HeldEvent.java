package io.vigil.store.detection;

/**
 * A change event that was recorded but not published (see {@link HeldEventRepository}).
 *
 * @param seq             order of recording
 * @param eventId         the change event's id
 * @param eventName       the source's eventName
 * @param sourceName      the source's name
 * @param kind            ONSET, ABATED, FLAPPING_START or FLAPPING_END
 * @param outageId        the outage it belongs to, or null
 * @param reason          what the engine decided, and why it was held
 * @param createdAtMillis when the engine decided it
 */
public record HeldEvent(long seq, String eventId, String eventName, String sourceName, String kind, String outageId,
                        String reason, long createdAtMillis) {
}

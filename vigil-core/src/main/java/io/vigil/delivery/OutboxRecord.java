package io.vigil.delivery;

/**
 * One change event as stored in the outbox, ready for delivery.
 *
 * @param seq        outbox position; increasing, delivery to each sink follows it
 * @param eventId    stable id of the change event (receivers deduplicate on it)
 * @param eventName  source's eventName (or the kind of entity for non-ONAP events)
 * @param sourceName source's name
 * @param kind       ONSET, ABATED, or another change-event kind
 * @param payload    the JSON body sinks send, fixed when the event was written
 * @param createdAtMillis   when the event was decided
 * @param journaledAtMillis when the store wrote it to the outbox (the transaction that committed it); equal to
 *                          {@code createdAtMillis} for rows written before the outbox kept it
 */
public record OutboxRecord(
        long seq,
        String eventId,
        String eventName,
        String sourceName,
        String kind,
        String payload,
        long createdAtMillis,
        long journaledAtMillis) {

    /** A record whose journal time is not known (taken as its decision time). */
    public OutboxRecord(long seq, String eventId, String eventName, String sourceName, String kind, String payload,
                        long createdAtMillis) {
        this(seq, eventId, eventName, sourceName, kind, payload, createdAtMillis, createdAtMillis);
    }
}

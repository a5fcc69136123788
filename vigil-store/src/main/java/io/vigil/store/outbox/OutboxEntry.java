package io.vigil.store.outbox;

import java.util.Objects;

/**
 * A change event to append to the outbox; the store assigns its {@code seq}.
 *
 * @param eventId         stable id; a second entry with the same id is ignored (idempotent retry)
 * @param eventName       the source's eventName
 * @param sourceName      the source's name
 * @param kind            ONSET, ABATED, ...
 * @param payload         the body sinks will send, as JSON text
 * @param createdAtMillis when the event was decided
 */
public record OutboxEntry(
        String eventId,
        String eventName,
        String sourceName,
        String kind,
        String payload,
        long createdAtMillis) {

    public OutboxEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
    }
}

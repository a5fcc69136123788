package io.vigil.store.outbox;

import io.vigil.engine.SourceSnapshot;
import org.jspecify.annotations.Nullable;

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
 * @param sourceState     the source's state after this event, written with the row instead of to {@code sources}
 *                        (which catches up later: {@link StateWriter#applyStates}); null when the caller writes the
 *                        source's state itself or the row is no source's
 */
public record OutboxEntry(
        String eventId,
        String eventName,
        String sourceName,
        String kind,
        String payload,
        long createdAtMillis,
        @Nullable SourceSnapshot sourceState) {

    public OutboxEntry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(payload, "payload");
        if (sourceState != null && (!sourceState.key().eventName().equals(eventName)
                || !sourceState.key().sourceName().equals(sourceName))) {
            throw new IllegalArgumentException("an outbox row carries the state of its own source only, not of " + sourceState.key());
        }
    }

    /** An entry that carries no source state. */
    public OutboxEntry(String eventId, String eventName, String sourceName, String kind, String payload, long createdAtMillis) {
        this(eventId, eventName, sourceName, kind, payload, createdAtMillis, null);
    }
}

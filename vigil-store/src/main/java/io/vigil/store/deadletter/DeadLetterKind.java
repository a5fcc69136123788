package io.vigil.store.deadletter;

import java.util.Locale;

/** What kind of row went to the dead-letter table; the {@code kind} label of {@code vigil_dead_letters_total}. */
public enum DeadLetterKind {
    /** A change event (its source state and outbox row) the journal could not write. */
    CHANGE_EVENT,
    /** A held event (recorded, not published) that {@code held_events} refused. */
    HELD_EVENT,
    /** A source's checkpoint row (lastSeen) that {@code sources} refused. */
    CHECKPOINT,
    /** A collector result that the collector event queue refused. */
    COLLECTOR_RECORD;

    /** The lower-case label ({@code change_event}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

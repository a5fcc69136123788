package io.vigil.engine;

import java.util.List;

/**
 * Receives the engine's change events, on the engine's detector thread, in decision order (so in order per source).
 * Implementations must be quick and never block on I/O: hand the event to a writer queue.
 */
@FunctionalInterface
public interface EngineListener {
    void onChange(ChangeEvent event);

    /**
     * The events decided by one tick (a large tick hands them over in several lists), in decision order. The engine
     * calls only this; the default hands each event to {@link #onChange}. Override it to take a storm in bulk (one
     * queue operation per list instead of one per event). The list is the engine's: read it during the call only.
     */
    default void onChanges(List<ChangeEvent> events) {
        for (ChangeEvent e : events) onChange(e);
    }
}

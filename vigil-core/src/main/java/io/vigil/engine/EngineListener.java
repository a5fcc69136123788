package io.vigil.engine;

/**
 * Receives the engine's change events, on the engine's detector thread, in decision order (so in order per source).
 * Implementations must be quick and never block on I/O: hand the event to a writer queue.
 */
@FunctionalInterface
public interface EngineListener {
    void onChange(ChangeEvent event);
}

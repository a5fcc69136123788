package io.vigil.peer;

/**
 * Receives an adapter's events and errors.
 *
 * <p>Contract: calls for one adapter arrive on one thread (the adapter's event loop), one at a time, in the order the
 * protocol decided them, so an implementation needs no locking for its own state. It must not block: a slow listener
 * delays heartbeats and makes timeouts late. An exception it throws is logged and otherwise ignored.
 */
public interface PeerListener {

    /** One output event. */
    void onEvent(PeerEvent event);

    /** One error-channel entry. The default logs nothing and drops it; override to see errors. */
    default void onError(PeerError error) {
    }
}

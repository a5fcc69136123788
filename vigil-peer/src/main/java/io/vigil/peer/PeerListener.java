package io.vigil.peer;

/**
 * Receives an adapter's events and errors.
 *
 * <p>Contract: calls for one adapter arrive one at a time, and each call sees what the previous one wrote (the adapter
 * serialises them), so an implementation needs no locking for its own state. Clients and multicast members call from
 * the adapter's event loop; a server calls from its event loops (see {@code serverEventLoops}), each peer's events in
 * the order the protocol decided them. It must not block: a slow listener
 * delays heartbeats and makes timeouts late. An exception it throws is logged and otherwise ignored.
 */
public interface PeerListener {

    /** One output event. */
    void onEvent(PeerEvent event);

    /** One error-channel entry. The default logs nothing and drops it; override to see errors. */
    default void onError(PeerError error) {
    }
}

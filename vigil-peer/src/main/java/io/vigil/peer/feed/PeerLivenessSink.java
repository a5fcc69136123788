package io.vigil.peer.feed;

/**
 * Where peer liveness goes when something else (Vigil's engine) should track peers as sources. vigil-peer does not
 * depend on the engine; the wiring implements this interface, e.g. with
 * {@code (source, at) -> receiver.accept(new Heartbeat("peer", source, at), Channel.PEER)}.
 *
 * <p>Called on the adapter's event loop: must not block.
 */
@FunctionalInterface
public interface PeerLivenessSink {

    /** The peer named {@code sourceName} was heard at {@code receivedMillis} (connected, heartbeat, reconnect). */
    void heard(String sourceName, long receivedMillis);

    /**
     * The protocol declared the peer silent at {@code atMillis} (timeout). An engine that detects silence on its own
     * can ignore this; the default does.
     */
    default void lost(String sourceName, long atMillis) {
    }
}

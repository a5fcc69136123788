package io.vigil.peer.feed;

import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerListener;
import java.util.Objects;

/**
 * Subscribes to an adapter and forwards peer liveness to a {@link PeerLivenessSink}, so that the same alerting
 * applies to peers as to every other source. A peer is named by its endpoint id, or {@code host:port} if it sent none.
 *
 * <pre>{@code
 * adapter.subscribe(new PeerLivenessForwarder((source, at) -> receiver.accept(new Heartbeat("peer", source, at), Channel.PEER)));
 * }</pre>
 */
public final class PeerLivenessForwarder implements PeerListener {

    private final PeerLivenessSink sink;

    public PeerLivenessForwarder(PeerLivenessSink sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** The source name the sink sees for an event's peer. */
    public static String sourceName(PeerEvent event) {
        return event.endpointId() != null ? event.endpointId() : event.hostname() + ":" + event.port();
    }

    @Override
    public void onEvent(PeerEvent event) {
        switch (event.eventName()) {
            case CONNECTED, HEARTBEAT, RECONNECT -> sink.heard(sourceName(event), event.receivedTimestamp());
            case TIMEOUT -> sink.lost(sourceName(event), event.receivedTimestamp());
            default -> {
                // disconnected follows a timeout; leadership is about this member, not a peer
            }
        }
    }
}

package io.vigil.peer;

/**
 * Validated settings of one start: {@link PeerProperties} with a command's overrides applied.
 *
 * @param type             what runs
 * @param host             server: bind address; client: server host; multicast: group address
 * @param port             TCP or UDP port
 * @param networkInterface multicast interface name or address, blank for the OS default
 * @param timing           interval, timeout, reconnection
 * @param endpointId       this endpoint's id (null if unset; always set for multicast)
 * @param sharedSecret     HMAC key, or null for unauthenticated frames
 * @param quorum           multicast: fewest live members that may elect a leader
 * @param eventLoops       server: how many event loops share the connections (1 for clients and multicast)
 * @param maxConnections   server: the most connections open at once; more are closed as they arrive
 */
public record EndpointConfig(
        PeerType type,
        String host,
        int port,
        String networkInterface,
        Timing timing,
        String endpointId,
        byte[] sharedSecret,
        int quorum,
        int eventLoops,
        int maxConnections) {
}

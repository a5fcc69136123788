package io.vigil.peer;

/**
 * One output event of an adapter. The fields describe the peer the event is about, as this adapter sees it.
 *
 * @param eventName         what happened
 * @param hostname          the peer's address: a client's remote address on a server, the server's configured host on a
 *                          client, the sender's address in multicast
 * @param port              the peer's port (same rule as {@code hostname})
 * @param receivedTimestamp when this adapter noticed it, epoch milliseconds of the adapter's clock
 * @param seqnum            the sequence number of the peer's last frame that was heard (per sender, increasing);
 *                          -1 if nothing was heard yet
 * @param endpointId        the peer's endpoint id, or null if it sent none
 * @param leadershipStatus  multicast: the leadership the peer claims in its heartbeats ({@code leadership} events:
 *                          this member's own new status); null for server and client
 */
public record PeerEvent(
        EventName eventName,
        String hostname,
        int port,
        long receivedTimestamp,
        long seqnum,
        String endpointId,
        LeadershipStatus leadershipStatus) {
}

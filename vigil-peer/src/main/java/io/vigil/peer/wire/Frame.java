package io.vigil.peer.wire;

import io.vigil.peer.LeadershipStatus;

/**
 * One decoded frame (see {@code docs/peer.md}, "Wire format").
 *
 * @param type       hello or heartbeat
 * @param endpointId the sender's endpoint id, or null
 * @param seq        the sender's sequence number; strictly increasing per sender and nonce
 * @param sentAt     the sender's clock at sending, epoch milliseconds
 * @param nonce      the sender's random nonce: per connection (TCP) or per incarnation (multicast)
 * @param peerNonce  TCP: the receiver's nonce echoed back, binding the frame to this connection; null in multicast
 * @param leadership multicast: the sender's leadership claim; null in TCP
 */
public record Frame(
        FrameType type,
        String endpointId,
        long seq,
        long sentAt,
        String nonce,
        String peerNonce,
        LeadershipStatus leadership) {

    /** The wire format version this code writes and the only one it reads. */
    public static final int VERSION = 1;
}

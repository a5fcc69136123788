/**
 * Peer heartbeat endpoints inside {@code vigil serve} (config {@code peers[]}, docs/peer.md): the adapters of
 * vigil-peer feed the engine as sources of a monitor, their leadership changes go to the outbox, the TCP server's read
 * watermark holds the engine's verdicts on peer sources, and {@code /api/v1/peers} shows and steers them.
 */
package io.vigil.server.peers;

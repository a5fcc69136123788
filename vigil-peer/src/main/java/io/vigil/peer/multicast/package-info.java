/**
 * The multicast member's socket edge: one UDP socket joined to the group on a named interface around the pure
 * multicast protocol, rejoining after a failure when reconnect attempts allow.
 */
package io.vigil.peer.multicast;

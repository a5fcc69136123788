/**
 * The peer heartbeat protocol as pure state machines (TCP server, TCP client, multicast member) and the multicast
 * leader rule: no sockets, no threads, time passed in, so every transition table is tested on a manual clock.
 */
package io.vigil.peer.protocol;

package io.vigil.peer;

/** The role an adapter plays. Multicast members never talk to server or client nodes. */
public enum PeerType {
    /** Listens on a TCP port; any number of clients may watch it. */
    SERVER,
    /** Connects to one server over TCP. */
    CLIENT,
    /** Sends its status to a UDP multicast group and hears every other member; elects one leader. */
    MULTICAST
}

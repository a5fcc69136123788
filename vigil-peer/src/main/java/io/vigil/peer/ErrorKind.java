package io.vigil.peer;

/** Categories of {@link PeerError}. */
public enum ErrorKind {
    /** The server or multicast socket could not bind its port. */
    BIND_FAILED,
    /** A client connection attempt failed (refused, unreachable, unknown host). */
    CONNECT_FAILED,
    /** A command is not allowed in the adapter's current state (e.g. a start while running). */
    COMMAND_REJECTED,
    /** A command or its settings are malformed or invalid (e.g. port not set). */
    BAD_COMMAND,
    /** A frame from the network could not be decoded or broke the protocol; the connection is closed. */
    BAD_FRAME,
    /** A frame failed shared-secret authentication, or replayed an old sequence number or nonce. */
    AUTH_FAILED,
    /** The multicast network interface does not exist, or the group could not be joined. */
    INTERFACE_FAILED,
    /** Another multicast member uses this member's endpoint id. */
    DUPLICATE_ENDPOINT,
    /** Any other I/O failure of an open socket. */
    IO_ERROR
}

package io.vigil.peer;

/** Lifecycle of a {@link PeerHeartbeat} adapter, which decides the commands it accepts. */
public enum AdapterState {
    /** Nothing runs; accepts the start commands. */
    STOPPED,
    /** Running as server, client or multicast member; accepts stop and suspend. */
    RUNNING,
    /** Running but suspended; accepts resume and stop. */
    SUSPENDED,
    /** A client gave up reconnecting; accepts only stop (then a start). */
    DISCONNECTED
}

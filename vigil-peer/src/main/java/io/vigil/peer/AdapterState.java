package io.vigil.peer;

/** Lifecycle of a {@link PeerHeartbeat} adapter, which decides the commands it accepts. */
public enum AdapterState {
    /**
     * Created with {@code startWithApplication = false} and not started yet ("Start with application: No"): accepts
     * {@code resume}, which starts the configured type, and the start commands.
     */
    LOADED,
    /** Nothing runs; accepts the start commands. */
    STOPPED,
    /** Running as server, client or multicast member; accepts stop and suspend. */
    RUNNING,
    /** Running but suspended; accepts resume and stop. */
    SUSPENDED,
    /** A client gave up reconnecting; accepts only stop (then a start). */
    DISCONNECTED
}

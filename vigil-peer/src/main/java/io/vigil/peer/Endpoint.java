package io.vigil.peer;

import io.vertx.core.Future;

/**
 * A started server, client or multicast member: a protocol state machine with its sockets. Internal to the adapter,
 * public only because the implementations live in their own packages; every method is called on the adapter's event
 * loop.
 */
public interface Endpoint {

    /** Binds, joins or begins connecting. Fails with {@link EndpointStartException} if it cannot. */
    Future<Void> start(long now);

    /** Drives the protocol's timers; called every {@link Timing#tickMillis()} while {@link #ticked()}. */
    void tick(long now);

    /**
     * False for an endpoint that runs its own timers and never ends on its own: the adapter then sets no timer for it
     * (a periodic timer wakes an event loop a hundred times a second at a 100-ms interval, for nothing).
     */
    default boolean ticked() {
        return true;
    }

    /** Stops sending and answering; completes once applied. */
    Future<Void> suspend(long now);

    /** Continues where {@link #suspend} left off; completes once applied. */
    Future<Void> resume(long now);

    /** Emits the stop events and releases every socket. */
    Future<Void> stop(long now);

    /** TCP: the leadership this node claims in its frames from now on; ignored where the protocol elects one. */
    default void leadership(LeadershipStatus status) {
    }

    /**
     * A TCP server's read watermark: epoch ms (of the adapter's clock) before which everything that reached its
     * sockets has been read and judged; -1 for other endpoints. May be called from any thread.
     */
    default long heardUpTo() {
        return -1;
    }

    /** The bound port (a server started on port 0 reports the real one), or -1. */
    int localPort();

    /** True once the endpoint ended on its own and only {@code stop} is allowed (a client that gave up). */
    boolean ended();
}

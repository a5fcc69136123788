package io.vigil.collect.rpc;

/**
 * The persistent event queue collectors write their results to in the background, for consumers other than the
 * engine (audit, replays into other systems). Appending must not block the RPC answer; failures are logged by the
 * implementation and never fail a call.
 */
public interface EventQueue extends AutoCloseable {
    /** Queues one RPC result for writing. Non-blocking. */
    void append(RpcResult result);

    /**
     * False while the queue cannot take more results without losing some (its destination has been unreachable for
     * long); collectors then refuse calls with {@link EventQueueFullException} instead of dropping results.
     */
    default boolean hasRoom() {
        return true;
    }

    @Override
    default void close() {
    }

    /** A queue that drops everything ({@code collect.eventQueue: none}). */
    EventQueue NONE = result -> { };
}

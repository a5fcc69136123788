package io.vigil.collect.rpc;

/** A collector call refused because its event queue is full (answered 503 over HTTP); retry later. */
public final class EventQueueFullException extends RuntimeException {
    public EventQueueFullException() {
        super("the collector's event queue is full (its destination is unreachable); call again later");
    }
}

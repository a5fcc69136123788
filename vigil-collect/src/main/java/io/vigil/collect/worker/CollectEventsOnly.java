package io.vigil.collect.worker;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Lets only the pull side's records through to a worker: the outbox also holds ONAP control-loop events, which a
 * worker script must not receive. Other records are acknowledged at once without being delivered.
 */
public final class CollectEventsOnly implements Sink {
    /** Outbox kinds written by the pull side. */
    public static final Set<String> KINDS = Set.of("STATUS_CHANGES", "PLAN_EVENT");
    private final Sink inner;

    public CollectEventsOnly(Sink inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        if (!KINDS.contains(record.kind())) return CompletableFuture.completedFuture(null);
        return inner.deliver(record);
    }

    @Override
    public void close() {
        inner.close();
    }
}

package io.vigil.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where change events go: DMaaP MR topic, webhook, Kafka topic, log, worker script.
 *
 * <p>A sink is driven by one relay, in outbox order. A stage that completes normally means the receiver acknowledged
 * (e.g. HTTP 2xx); an exceptional completion is retried by the relay with backoff.
 *
 * <p><b>Batches and pipelining.</b> A sink that can carry several records per request says so with
 * {@link #maxBatch()}, and one that takes several requests at once with {@link #maxInFlight()}. The relay then calls
 * {@link #deliverBatch} with up to {@code maxBatch()} records (in seq order), with at most {@code maxInFlight()} calls
 * outstanding, and never two outstanding calls that carry records of the same source: per-source order holds however
 * many requests are in flight. With the defaults (1 and 1) the relay calls {@link #deliver} for one record at a time,
 * and never again before the previous stage completed.
 */
public interface Sink extends AutoCloseable {
    /** Unique name; the outbox keeps one delivery cursor per name. */
    String name();

    CompletionStage<Void> deliver(OutboxRecord record);

    /**
     * Delivers {@code records} (seq order, 1 to {@link #maxBatch()} of them) as one unit: the stage completes normally
     * only when the receiver acknowledged all of them; on failure the relay sends the whole batch again (a receiver
     * may see some of its records twice and removes them by event id). The default sends them one after another
     * through {@link #deliver}.
     */
    default CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
        CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
        for (OutboxRecord r : records) chain = chain.thenCompose(x -> deliver(r));
        return chain;
    }

    /** The most records one {@link #deliverBatch} call may carry; at least 1 (the default). */
    default int maxBatch() {
        return 1;
    }

    /**
     * How long the relay may hold records to fill a batch before it sends a smaller one, in ms; 0 (the default) sends
     * at once whatever is there.
     */
    default long maxBatchDelayMillis() {
        return 0;
    }

    /** The most {@link #deliverBatch} calls the relay may have outstanding at once; at least 1 (the default). */
    default int maxInFlight() {
        return 1;
    }

    @Override
    default void close() {
    }
}

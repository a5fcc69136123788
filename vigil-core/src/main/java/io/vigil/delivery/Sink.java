package io.vigil.delivery;

import java.util.concurrent.CompletionStage;

/**
 * Where change events go: DMaaP MR topic, webhook, Kafka topic, log, worker script.
 * A sink is driven by one relay thread, in outbox order: {@link #deliver} is not called again before the
 * previous stage completed. A stage that completes normally means the receiver acknowledged (e.g. HTTP 2xx);
 * an exceptional completion is retried by the relay with backoff.
 */
public interface Sink extends AutoCloseable {
    /** Unique name; the outbox keeps one delivery cursor per name. */
    String name();

    CompletionStage<Void> deliver(OutboxRecord record);

    @Override
    default void close() {
    }
}

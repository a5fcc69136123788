package io.vigil.collect.worker;

import io.vigil.collect.process.ExternalCommand;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A worker script as a {@link Sink}: runs the command once per outbox record with the payload
 * ({@code {"id","events":[...]}}) on stdin and {@code VIGIL_EVENT_ID}, {@code VIGIL_EVENT_KIND} in its environment.
 * Exit code 0 acknowledges; a non-zero exit, a timeout or a failure to start fails the delivery and the relay retries
 * it with backoff. Scripts should deduplicate on the id (at-least-once). Thread-safe.
 */
public final class ScriptWorker implements Sink {
    private final String name;
    private final WorkerSpec.Script spec;
    private final ExecutorService runner = Executors.newVirtualThreadPerTaskExecutor();

    public ScriptWorker(WorkerSpec.Script spec) {
        this.spec = spec;
        this.name = spec.sinkName();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        return CompletableFuture.runAsync(() -> {
            ExternalCommand.Outcome o = ExternalCommand.run(spec.command(),
                    Map.of("VIGIL_EVENT_ID", record.eventId(), "VIGIL_EVENT_KIND", record.kind()), record.payload(), spec.timeout());
            if (!o.succeeded()) throw new IllegalStateException("worker script " + spec.command().getFirst() + " failed: " + o.describe());
        }, runner);
    }

    @Override
    public void close() {
        runner.shutdownNow();
    }
}

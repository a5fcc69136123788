package io.vigil.server;

import io.vigil.collect.CollectSettings;
import io.vigil.collect.worker.ScriptWorker;
import io.vigil.collect.worker.WorkerSpec;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.Sink;
import io.vigil.server.collect.CollectApi;
import io.vigil.server.collect.CollectRuntime;
import io.vigil.transport.webhook.WebhookSink;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts the pull side (collectors, global heartbeat, delayed actions, action queues) inside {@code vigil serve}
 * when the configuration has datasources or remote collectors; registers its endpoints and closes it with the server
 * through {@link VigilServer#addCapability}.
 */
final class CollectWiring {
    private CollectWiring() {
    }

    static void start(VigilServer server) {
        CollectSettings s = server.config().collect();
        if (!s.enabled()) return;
        List<Sink> workers = new ArrayList<>();
        CollectRuntime runtime = null;
        try {
            for (WorkerSpec w : s.workers()) workers.add(sink(server, w));
            runtime = new CollectRuntime(server.vertx(), server.database(), server.outbox(), s, workers,
                    () -> server.lease().isHolding(), () -> server.lease().epoch(), Clock.systemUTC());
            CollectApi api = new CollectApi(runtime, runtime.actionsApi());
            server.addCapability(api, api);
            runtime.start();
        } catch (RuntimeException e) {
            if (runtime != null) runtime.close();
            else workers.forEach(Sink::close);
            throw e;
        }
    }

    private static Sink sink(VigilServer server, WorkerSpec w) {
        return switch (w) {
            case WorkerSpec.Script x -> new ScriptWorker(x);
            case WorkerSpec.Webhook x -> new WebhookSink(server.vertx(), x.sinkName(), URI.create(x.url()), x.headers(), WebhookSink.DEFAULT_TIMEOUT);
            case WorkerSpec.Kafka x -> KafkaWiring.sink(x.sinkName(), new PublishTarget.Kafka(x.bootstrapServers(), x.topic(), x.properties()));
        };
    }
}

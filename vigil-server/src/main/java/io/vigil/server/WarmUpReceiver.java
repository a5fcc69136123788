package io.vigil.server;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.Sink;
import io.vigil.transport.dmaap.DmaapPublishSink;
import io.vigil.transport.kafka.KafkaSink;
import io.vigil.transport.kafka.LoopbackKafkaBroker;
import io.vigil.transport.webhook.WebhookSink;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The alarm path's warm-up ({@code detection.warmUp}) reaching the HTTP sinks' own code without sending to them: a
 * receiver on a loopback port that answers every request 200 and keeps nothing, and one sink of each configured
 * HTTP kind (the Message Router's batch publish, the webhook one event per request, the webhook in batch mode), made
 * as the server makes it, on the same Vert.x instance, but pointed at that receiver; and, when a Kafka sink is
 * configured, one Kafka sink made like it ({@link KafkaSink#forWarmUp}: its batching and compression settings only) producing to a
 * {@link LoopbackKafkaBroker} on another loopback port. Log sinks are not reached. Lives for one warm-up;
 * {@link #close()} stops the sinks, then the receiver and the stand-in broker.
 */
final class WarmUpReceiver implements AutoCloseable {
    private final HttpServer server;
    private final LoopbackKafkaBroker kafka;
    private final List<Sink> sinks;
    private final java.util.concurrent.atomic.AtomicLong requests;

    private WarmUpReceiver(HttpServer server, LoopbackKafkaBroker kafka, List<Sink> sinks,
                           java.util.concurrent.atomic.AtomicLong requests) {
        this.server = server;
        this.kafka = kafka;
        this.sinks = sinks;
        this.requests = requests;
    }

    /**
     * Starts the receiver on 127.0.0.1 and a free port, and the sinks for the kinds among {@code targets}; their
     * meters go to {@code registry} (the warm-up's scratch one).
     */
    static WarmUpReceiver start(Vertx vertx, List<PublishTarget> targets, io.micrometer.core.instrument.MeterRegistry registry) {
        java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(body -> {
            requests.incrementAndGet();
            req.response().setStatusCode(200).end("{}");
        }));
        try {
            server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            server.close();
            throw new IllegalStateException("the warm-up's loopback receiver did not start within 10 s");
        }
        URI base = URI.create("http://127.0.0.1:" + server.actualPort());
        // one sink per kind (each its own name: the name is its outbox cursor); what compiles is the code, not the
        // number of targets
        Map<String, Sink> byKind = new LinkedHashMap<>();
        LoopbackKafkaBroker[] kafka = {null}; // started with the first Kafka target
        try {
            addSinks(vertx, base, targets, byKind, kafka, registry);
        } catch (RuntimeException e) { // a sink that cannot be made: nothing of the warm-up stays open
            new WarmUpReceiver(server, kafka[0], new ArrayList<>(byKind.values()), requests).close();
            throw e;
        }
        return new WarmUpReceiver(server, kafka[0], new ArrayList<>(byKind.values()), requests);
    }

    /** Adds the warm-up's sinks for {@code targets} to {@code byKind}, starting the Kafka stand-in into {@code kafka[0]}. */
    private static void addSinks(Vertx vertx, URI base, List<PublishTarget> targets, Map<String, Sink> byKind,
                                 LoopbackKafkaBroker[] kafka, io.micrometer.core.instrument.MeterRegistry registry) {
        for (PublishTarget t : targets) {
            switch (t) {
                case PublishTarget.Dmaap d -> byKind.computeIfAbsent("warm-up-mr", name -> new DmaapPublishSink(vertx,
                        name, base.resolve("/events/warm-up"), Optional.empty(), WebhookSink.DEFAULT_TIMEOUT, null,
                        d.batch().maxEvents(), d.batch().maxDelay()));
                case PublishTarget.Webhook w -> byKind.computeIfAbsent(
                        w.batch().isPresent() ? "warm-up-webhook-batch" : "warm-up-webhook",
                        name -> new WebhookSink(vertx, name, base.resolve("/warm-up"), Map.of(), WebhookSink.DEFAULT_TIMEOUT,
                                null, w.batch().map(b -> new WebhookSink.Batching(b.maxEvents(), b.maxDelay(), true))
                                .orElse(WebhookSink.Batching.ONE_PER_REQUEST)));
                case PublishTarget.Kafka k -> {
                    if (kafka[0] == null) kafka[0] = LoopbackKafkaBroker.start(vertx);
                    LoopbackKafkaBroker broker = kafka[0];
                    byKind.computeIfAbsent("warm-up-kafka", name -> KafkaSink.forWarmUp(name, broker, k.topic(), k.properties(),
                            KafkaWiring.latencyTimer(name, registry)));
                }
                case PublishTarget.Log l -> { }
            }
        }
    }

    /** Produce requests the Kafka stand-in answered so far (0 without a Kafka sink). */
    long kafkaProduceRequests() {
        return kafka == null ? 0 : kafka.produceRequests();
    }

    /** Requests the receiver answered so far. */
    long requests() {
        return requests.get();
    }

    /** The sinks pointed at this receiver, for {@code AlarmPathWarmUp.run}. */
    List<Sink> sinks() {
        return sinks;
    }

    @Override
    public void close() {
        for (Sink s : sinks) s.close();
        if (kafka != null) kafka.close();
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // the port is released with the process at the latest
        }
    }
}

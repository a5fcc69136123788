package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.delivery.OutboxRecord;
import io.vigil.transport.webhook.WebhookSink;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 (steady state): an alarm's HTTP delivery must not queue behind ingest work. The publish sinks run on
 * {@link VigilServer#deliveryVertx()}, not on the event loops that serve heartbeats.
 */
class DeliveryEventLoopTest {

    @Test
    void aWebhookDeliversWhileEveryIngestEventLoopIsBusy() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/onset", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        Vertx ingest = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setBlockedThreadCheckInterval(60_000));
        Vertx delivery = VigilServer.deliveryVertx();
        CountDownLatch release = new CountDownLatch(1);
        try {
            // every ingest event loop is held (as by a burst of heartbeat batches) until the delivery is done
            CountDownLatch held = new CountDownLatch(2);
            // two verticle instances get the two event loops in turn (as the HTTP listener's instances do)
            ingest.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    context.runOnContext(v -> {
                        held.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    return Future.succeededFuture();
                }
            }, new DeploymentOptions().setInstances(2));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            WebhookSink sink = new WebhookSink(delivery, "webhook:test",
                    URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/onset"), Map.of(), Duration.ofSeconds(30));
            OutboxRecord onset = new OutboxRecord(1, "e-1", "Heartbeat_vnf", "vnf-1", "ONSET", "{\"x\":1}", 0);

            sink.deliver(onset).toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertThat(release.getCount()).as("delivered while the ingest loops were still held").isEqualTo(1);
            sink.close();
        } finally {
            release.countDown();
            ingest.close().await(10, TimeUnit.SECONDS);
            delivery.close().await(10, TimeUnit.SECONDS);
            receiver.stop(0);
        }
    }
}

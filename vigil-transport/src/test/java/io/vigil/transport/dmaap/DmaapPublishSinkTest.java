package io.vigil.transport.dmaap;

import io.vigil.secret.BasicAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vigil.delivery.OutboxRecord;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import io.vigil.backoff.BackoffPolicy;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DmaapPublishSinkTest {

    private static final String TOPIC = "unauthenticated.DCAE_CL_OUTPUT";
    private static Vertx vertx;
    private FakeMessageRouter mr;
    private DmaapPublishSink sink;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close().await();
    }

    @BeforeEach
    void startMessageRouter() {
        mr = FakeMessageRouter.start(vertx);
        sink = new DmaapPublishSink(vertx, "dmaap:cl", mr.topicUrl(TOPIC), Optional.of(new BasicAuth("dcae", "s3cret")),
                Duration.ofMillis(500));
    }

    @AfterEach
    void stopMessageRouter() {
        sink.close();
        mr.close();
    }

    private static OutboxRecord record(long seq) {
        return new OutboxRecord(seq, "req-" + seq, "Heartbeat_vDNS", "vnf-" + seq, "ONSET",
                "{\"closedLoopEventStatus\":\"ONSET\",\"requestID\":\"req-" + seq + "\"}", 0);
    }

    private static void deliver(DmaapPublishSink sink, OutboxRecord record) throws Exception {
        sink.deliver(record).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void publishesThePayloadAsOneJsonPostWithBasicAuthAndSucceedsOn2xx() throws Exception {
        mr.requireBasicAuth("dcae", "s3cret");

        deliver(sink, record(1));

        assertThat(mr.published(TOPIC)).singleElement().satisfies(p -> {
            assertThat(p.body()).isEqualTo(record(1).payload());
            assertThat(p.headers()).containsEntry("content-type", "application/json")
                    .containsEntry("authorization", new BasicAuth("dcae", "s3cret").headerValue());
        });
    }

    @Test
    void non2xxAnswerFailsTheDeliveryNamingTheStatus() {
        mr.failWith(503);

        assertThatThrownBy(() -> deliver(sink, record(1)))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageContaining("HTTP 503").hasMessageContaining("dmaap:cl");
    }

    @Test
    void refusedConnectionFailsTheDelivery() {
        mr.down();

        assertThatThrownBy(() -> deliver(sink, record(1)))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageContaining("POST " + mr.topicUrl(TOPIC));
    }

    @Test
    void unansweredPublishFailsAtTheTimeout() {
        mr.hang();
        long start = System.nanoTime();

        assertThatThrownBy(() -> deliver(sink, record(1))).isInstanceOf(ExecutionException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
    }

    @Test
    void relayDeliversEveryEventInOrderThroughAMessageRouterOutage() {
        InMemoryOutbox outbox = new InMemoryOutbox();
        List<String> payloads = IntStream.rangeClosed(1, 30).mapToObj(i -> "{\"requestID\":\"req-" + i + "\"}").toList();
        RelaySettings settings = RelaySettings.defaults()
                .withBackoff(BackoffPolicy.exponential(Duration.ofMillis(5), Duration.ofMillis(40)))
                .withPollInterval(Duration.ofMillis(20));
        try (OutboxRelay relay = OutboxRelay.start(sink, outbox, settings)) {
            payloads.subList(0, 10).forEach(p -> outbox.append("vnf", "ONSET", p));
            relay.wakeUp();
            await().atMost(Duration.ofSeconds(15)).until(() -> relay.delivered() == 10);

            mr.failWith(503);
            payloads.subList(10, 20).forEach(p -> outbox.append("vnf", "ONSET", p));
            relay.wakeUp();
            await().atMost(Duration.ofSeconds(15)).until(() -> relay.failedAttempts() >= 3);
            mr.down();
            payloads.subList(20, 30).forEach(p -> outbox.append("vnf", "ONSET", p));
            await().atMost(Duration.ofSeconds(15)).until(() -> relay.failedAttempts() >= 6);
            assertThat(relay.delivered()).isEqualTo(10);

            mr.up();
            mr.heal();
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.delivered() == 30);
        }
        assertThat(mr.publishedBodies(TOPIC)).containsExactlyElementsOf(payloads);
    }
}

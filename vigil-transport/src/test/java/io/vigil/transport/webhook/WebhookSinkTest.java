package io.vigil.transport.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.delivery.OutboxRecord;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WebhookSinkTest {

    private static Vertx vertx;
    private static FakeMessageRouter receiver;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        receiver = FakeMessageRouter.start(vertx);
    }

    @AfterAll
    static void stop() {
        receiver.close();
        vertx.close().await();
    }

    private static final OutboxRecord RECORD =
            new OutboxRecord(7, "req-7", "Heartbeat_vDNS", "vnf-7", "ABATED", "{\"closedLoopEventStatus\":\"ABATED\"}", 0);

    @Test
    void postsThePayloadWithTheConfiguredHeadersAndJsonContentType() throws Exception {
        URI url = receiver.url("/hooks/ops");
        try (WebhookSink sink = new WebhookSink(vertx, url, Map.of("X-Api-Key", "k-123", "Authorization", "Bearer t0k"))) {
            sink.deliver(RECORD).toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(sink.name()).isEqualTo("webhook:" + url);
        }

        assertThat(receiver.published("/hooks/ops")).singleElement().satisfies(p -> {
            assertThat(p.body()).isEqualTo(RECORD.payload());
            assertThat(p.headers()).containsEntry("x-api-key", "k-123")
                    .containsEntry("authorization", "Bearer t0k")
                    .containsEntry("content-type", "application/json");
        });
    }

    @Test
    void notFoundAnswerFailsTheDeliveryNamingTheStatus() {
        try (FakeMessageRouter missing = FakeMessageRouter.start(vertx);
             WebhookSink sink = new WebhookSink(vertx, "hook", missing.url("/hooks/gone"), Map.of(), Duration.ofSeconds(2))) {
            missing.failWith(404);
            assertThatThrownBy(() -> sink.deliver(RECORD).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(WebhookSink.DeliveryRejectedException.class).hasMessageContaining("HTTP 404");
        }
    }

    @Test
    void nonHttpUrlIsRejectedWithAnExample() {
        assertThatThrownBy(() -> new WebhookSink(vertx, URI.create("ftp://host/x"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute http(s) URL").hasMessageContaining("ftp://host/x");
    }
}

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

    @Test
    void urlCredentialsAreSentAsBasicAuthAndNeverShown() throws Exception {
        URI plain = receiver.url("/hooks/secret");
        URI withCredentials = URI.create(plain.getScheme() + "://ops%40example:p%3Ass@" + plain.getRawAuthority() + plain.getRawPath());
        try (WebhookSink sink = new WebhookSink(vertx, withCredentials, Map.of())) {
            sink.deliver(RECORD).toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(sink.name()).isEqualTo("webhook:" + plain.getScheme() + "://******@" + plain.getRawAuthority() + "/hooks/secret")
                    .doesNotContain("p%3Ass");
            assertThat(sink.url()).isEqualTo(plain);
        }
        assertThat(receiver.published("/hooks/secret")).singleElement().satisfies(p -> assertThat(p.headers())
                .containsEntry("authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        "ops@example:p:ss".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void aConfiguredAuthorizationHeaderWinsOverUrlCredentialsAndFailuresDoNotShowThem() {
        try (FakeMessageRouter down = FakeMessageRouter.start(vertx)) {
            URI url = down.url("/h");
            URI withCredentials = URI.create("http://u:hunter2@" + url.getRawAuthority() + "/h");
            down.failWith(500);
            try (WebhookSink sink = new WebhookSink(vertx, "webhook:" + withCredentials, withCredentials,
                    Map.of("Authorization", "Bearer t"), Duration.ofSeconds(2))) {
                assertThat(sink.name()).doesNotContain("hunter2");
                assertThatThrownBy(() -> sink.deliver(RECORD).toCompletableFuture().get(5, TimeUnit.SECONDS))
                        .cause().message().doesNotContain("hunter2");
            }
            assertThat(down.published("/h")).allSatisfy(p -> assertThat(p.headers()).containsEntry("authorization", "Bearer t"));
        }
        assertThatThrownBy(() -> new WebhookSink(vertx, URI.create("ftp://u:hunter2@host/x"), Map.of()))
                .hasMessageNotContaining("hunter2");
    }
}

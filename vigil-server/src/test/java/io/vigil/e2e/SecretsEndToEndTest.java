package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import io.vigil.server.RunningServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 19, item 4: a webhook URL with credentials ({@code http://user:pass@host/path}) sends them as HTTP basic auth,
 * and neither they nor a configured {@code Authorization} header show up in the status, the metrics, the log or a
 * thread name.
 */
class SecretsEndToEndTest {
    private static final String PASSWORD = "s3cr3t-pw";
    private static final String TOKEN = "tok-9f8e7d";

    @TempDir
    Path dir;

    @Test
    void urlCredentialsGoAsBasicAuthAndNoSecretIsShownAnywhere() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            authorizations.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logged.start();
        root.addAppender(logged);
        int port = receiver.getAddress().getPort();
        String config = """
                monitors:
                  - eventName: Heartbeat_vDNS
                    heartbeatInterval: 300ms
                    missedHeartbeats: 2
                    timeBase: arrival
                publish:
                  - type: webhook
                    url: http://ops:%s@127.0.0.1:%d/basic
                  - type: webhook
                    url: http://127.0.0.1:%d/bearer?token=%s
                    headers: {Authorization: "Bearer %s"}
                """.formatted(PASSWORD, port, port, TOKEN, TOKEN);
        try (RunningServer vigil = RunningServer.start(dir, config)) {
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "vnf-1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(authorizations).contains(
                            "/basic Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8)),
                            "/bearer Bearer " + TOKEN));

            String status = vigil.get("/api/v1/status").body();
            assertThat(status).contains("webhook:http://******@127.0.0.1:" + port + "/basic")
                    .contains("token=******").doesNotContain(PASSWORD).doesNotContain(TOKEN);
            String metrics = vigil.get("/metrics").body();
            assertThat(metrics).contains("******@127.0.0.1").doesNotContain(PASSWORD).doesNotContain(TOKEN);
            assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                    .anySatisfy(name -> assertThat(name).startsWith("vigil-relay-webhook:http://******@"))
                    .allSatisfy(name -> assertThat(name).doesNotContain(PASSWORD).doesNotContain(TOKEN));
        } finally {
            root.detachAppender(logged);
            receiver.stop(0);
        }
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .allSatisfy(line -> assertThat(line).doesNotContain(PASSWORD).doesNotContain(TOKEN));
    }
}

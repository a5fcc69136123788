package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.config.DetectionConfig;
import io.vigil.server.CapturedLog;
import io.vigil.server.RunningServer;
import io.vigil.server.VigilServer;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code detection.warmUp}: once the server tracks {@value DetectionConfig#WARM_UP_AFTER_SOURCES} sources it warms
 * its alarm path with synthetic storms on a scratch store, and none of them shows anywhere an operator looks.
 */
class WarmUpEndToEndTest {
    private static final String CONFIG = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 1h
            limits: {newSourcesPerSecond: 1000000}
            publish:
              - type: log
            """;
    private static final String WARMED = "alarm path warmed up";

    @TempDir
    Path dir;

    @Test
    void aServerThatTracksTenThousandSourcesWarmsItsAlarmPathWithoutATrace() throws Exception {
        // the configured webhooks, Message Router and Kafka topic get nothing: the warm-up's sinks of their kinds post
        // to its own loopback receiver and produce to its own loopback Kafka stand-in
        EmbeddedKafka kafka = EmbeddedKafka.start();
        String topic = EmbeddedKafka.uniqueName("cl-out");
        kafka.createTopic(topic, 1);
        AtomicInteger requests = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String at = "http://127.0.0.1:" + receiver.getAddress().getPort();
        String config = CONFIG + "  - {type: webhook, url: '" + at + "/hook'}\n"
                + "  - {type: webhook, url: '" + at + "/batch', batch: {maxEvents: 100}}\n"
                + "  - {type: dmaap, url: '" + at + "/events/OUT'}\n"
                + "  - {type: kafka, bootstrapServers: '" + kafka.bootstrapServers() + "', topic: " + topic + "}\n";
        try (CapturedLog log = CapturedLog.of("io.vigil"); RunningServer vigil = RunningServer.start(dir, config)) {
            beat(vigil, DetectionConfig.WARM_UP_AFTER_SOURCES);

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> log.lines().stream().anyMatch(l -> l.contains(WARMED)));

            assertThat(vigil.getJson("/api/v1/events?since=1h").path("events")).as("no warm-up event reached the store").isEmpty();
            assertThat(vigil.getJson("/api/v1/sources?limit=1").path("total").asInt()).isEqualTo(DetectionConfig.WARM_UP_AFTER_SOURCES);
            assertThat(vigil.getJson("/api/v1/status").toString()).doesNotContain("warm-up");
            assertThat(vigil.get("/metrics").body()).doesNotContain("warm-up");
            assertThat(log.lines()).filteredOn(l -> l.contains(WARMED)).hasSize(1);
            assertThat(log.lines(ch.qos.logback.classic.Level.WARN)).as("no warning from the warm-up").isEmpty();
            assertThat(log.lines(ch.qos.logback.classic.Level.ERROR)).as("no error from the warm-up").isEmpty();
            assertThat(Files.exists(vigil.dataDir.resolve("warm-up"))).as("the scratch store is deleted").isFalse();
            assertThat(requests.get()).as("nothing reached the configured sinks").isZero();
            assertThat(kafka.readAll(topic)).as("nothing reached the configured Kafka topic").isEmpty();
        } finally {
            receiver.stop(0);
            kafka.close();
        }
    }

    @Test
    void warmUpFalseLeavesItOut() throws Exception {
        try (CapturedLog log = CapturedLog.of(VigilServer.class);
             RunningServer vigil = RunningServer.start(dir, CONFIG + "detection: {warmUp: false}\n")) {
            beat(vigil, DetectionConfig.WARM_UP_AFTER_SOURCES);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    vigil.getJson("/api/v1/sources?limit=1").path("total").asInt() >= DetectionConfig.WARM_UP_AFTER_SOURCES);
            Thread.sleep(3_000); // three of the once-a-second checks that would start it
            assertThat(log.lines()).noneMatch(l -> l.contains("warm-up") || l.contains("warmed up"));
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("vigil-warm-up"));
        }
    }

    @Test
    void onAPostgreSQLStoreTheWarmUpIsLeftOutWithOneLineSayingWhy() throws Exception {
        try (var pg = io.vigil.store.testing.TestDatabases.freshPostgres(); CapturedLog log = CapturedLog.of(VigilServer.class);
             RunningServer vigil = RunningServer.start(dir, CONFIG + "store: {url: '" + pg.url() + "', user: "
                     + io.vigil.store.testing.TestDatabases.postgresUser() + ", password: '"
                     + io.vigil.store.testing.TestDatabases.postgresPassword() + "'}\n")) {
            beat(vigil, DetectionConfig.WARM_UP_AFTER_SOURCES);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> log.lines().stream().anyMatch(l -> l.contains("alarm path warm-up left out")));
            assertThat(log.lines()).filteredOn(l -> l.contains("warm-up left out"))
                    .containsExactly("alarm path warm-up left out (the store is not the embedded one): a first storm may be "
                            + "slower (detection.warmUp)");
            assertThat(log.lines()).noneMatch(l -> l.contains(WARMED));
        }
    }

    /** {@code n} sources' first heartbeats, 100 to a batch. */
    private static void beat(RunningServer vigil, int n) {
        for (int from = 0; from < n; from += 100) {
            StringBuilder sb = new StringBuilder("{\"eventList\":[");
            for (int i = from; i < Math.min(n, from + 100); i++) {
                if (i > from) sb.append(',');
                String one = RunningServer.heartbeat("Heartbeat_vDNS", "vnf-" + i);
                sb.append(one, "{\"event\":".length(), one.length() - 1);
            }
            int status = vigil.post("/eventListener/v7/eventBatch", sb.append("]}").toString()).statusCode();
            assertThat(List.of(200, 202)).contains(status);
        }
    }
}

package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.ingest.Channel;
import io.vigil.server.RunningServer;
import io.vigil.ves.Heartbeat;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison isolation: a row the store refuses for good (too long, a constraint) is dead-lettered, counted and shown,
 * and the journal goes on: the next ONSET reaches the webhook.
 */
class PoisonIsolationEndToEndTest {
    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer webhook;

    @BeforeEach
    void webhook() throws Exception {
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alarms", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
    }

    @AfterEach
    void stop() {
        webhook.stop(0);
    }

    private String config() {
        return """
                monitors:
                  - {eventName: Heartbeat_vDNS, heartbeatInterval: 300ms, missedHeartbeats: 2, timeBase: arrival}
                detection: {checkpointInterval: 500ms}
                publish:
                  - {type: webhook, url: 'http://127.0.0.1:%d/alarms'}
                """.formatted(webhook.getAddress().getPort());
    }

    private boolean delivered(String source) {
        return received.stream().anyMatch(b -> b.contains("\"" + source + "\"") && b.contains("ONSET"));
    }

    @Test
    void aNineHundredThousandCharacterNameBehindTheDoorIsDeadLetteredAndAlertingGoesOn() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, config())) {
            // below the HTTP checks: straight into the engine, as a future ingest path without the door check could
            String huge = "n".repeat(900_000);
            vigil.server.liveness().engine().accept(new Heartbeat("Heartbeat_vDNS", huge, System.currentTimeMillis()), Channel.HTTP);
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "canary")).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> delivered("canary"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode dead = vigil.getJson("/api/v1/status").path("deadLetters");
                assertThat(dead.path("change_event").asLong()).isGreaterThanOrEqualTo(1);
                assertThat(dead.path("checkpoint").asLong()).isEqualTo(1); // once per source, not every checkpoint
            });
            JsonNode status = vigil.getJson("/api/v1/status");
            assertThat(status.path("storeHealthy").asBoolean()).isTrue();
            assertThat(status.path("counts").path("pendingEvents").asInt()).isZero();
            JsonNode letters = vigil.getJson("/api/v1/dead-letters").path("deadLetters");
            assertThat(letters.findValuesAsText("error")).anySatisfy(e -> assertThat(e).contains("900000 characters"));
            assertThat(letters.findValuesAsText("key")).allSatisfy(k -> assertThat(k.length()).isLessThanOrEqualTo(600));
            assertThat(vigil.get("/metrics").body()).contains("vigil_dead_letters_total{kind=\"change_event\"}",
                    "vigil_dead_letters_total{kind=\"held_event\"} 0.0", "vigil_dead_letters_total{kind=\"collector_record\"} 0.0");
        }
    }

    @Test
    void aPoisonedRowInTheJournalIsDeadLetteredAndTheNextOnsetIsDelivered() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, config())) {
            try (var c = vigil.server.database().dataSource().getConnection(); var s = c.createStatement()) {
                // rows the store refuses for a permanent reason that no check before writing knows about
                s.executeUpdate("ALTER TABLE outbox ADD CONSTRAINT poison_row CHECK (source_name <> 'poison-1')");
                s.executeUpdate("ALTER TABLE held_events ADD CONSTRAINT poison_held CHECK (source_name <> 'held-poison')");
            }
            assertThat(vigil.post("/api/v1/silences", "{\"matchers\": {\"sourceName\": \"held-*\"}, \"endsAt\": \""
                    + Instant.now().plus(Duration.ofHours(1)) + "\"}").statusCode()).isEqualTo(201);
            for (String s : List.of("poison-1", "held-poison", "held-ok")) {
                assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", s)).statusCode()).isEqualTo(202);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> vigil.getJson("/api/v1/status").path("deadLetters").path("change_event").asLong() >= 1);
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "next-1")).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(30)).until(() -> delivered("next-1"));
            assertThat(delivered("poison-1")).isFalse();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(vigil.sourceKinds("/api/v1/events/held?since=5m")).contains("held-ok:ONSET");
                assertThat(vigil.getJson("/api/v1/status").path("deadLetters").path("held_event").asLong()).isGreaterThanOrEqualTo(1);
            });
            JsonNode status = vigil.getJson("/api/v1/status");
            assertThat(status.path("storeHealthy").asBoolean()).isTrue();
            JsonNode letters = vigil.getJson("/api/v1/dead-letters").path("deadLetters");
            assertThat(letters).anySatisfy(l -> {
                assertThat(l.path("kind").asText()).isEqualTo("change_event");
                assertThat(l.path("key").asText()).isEqualTo("Heartbeat_vDNS/poison-1");
                assertThat(l.path("error").asText()).startsWith("SQLSTATE 23");
                assertThat(l.path("payload").asText()).contains("ONSET");
            });
            assertThat(letters.findValuesAsText("key")).contains("Heartbeat_vDNS/held-poison");
        }
    }
}

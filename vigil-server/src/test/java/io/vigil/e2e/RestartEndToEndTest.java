package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.ha.EventSink;
import io.vigil.server.RunningServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart keeps what matters: sources come back from the store, live ones get a grace period instead of an ONSET
 * storm, one that died while Vigil was down still gets its ONSET, and an open outage is not raised twice.
 */
class RestartEndToEndTest {
    private static final String CONFIG = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 1s
                missedHeartbeats: 2
            detection:
              grace: 2s
              checkpointInterval: 200ms
            publish:
              - type: log
            """;

    @TempDir
    Path dir;

    @Test
    void restoredSourcesGetGraceAndOnlyTheDeadOneRaisesOnset() throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Path first = dir.resolve("a");
        try (RunningServer vigil = RunningServer.start(first, CONFIG)) {
            for (String s : new String[] {"live", "dead", "gone"}) {
                assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", s)).statusCode()).isEqualTo(202);
            }
            // "gone" goes missing before the restart (its outage must survive it without a second ONSET);
            // "live" and "dead" keep beating until then
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "live"));
                vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "dead"));
                return vigil.getJson("/api/v1/events?since=5m").path("events").findValuesAsText("sourceName").contains("gone");
            });
            assertThat(count(vigil, "ONSET")).isEqualTo(1);
        }
        // the store is in first/data; start again on the same data directory
        try (RunningServer vigil = RunningServer.start(first, CONFIG)) {
            JsonNode sources = vigil.getJson("/api/v1/sources");
            assertThat(sources.path("sources").findValuesAsText("sourceName")).containsExactlyInAnyOrder("live", "dead", "gone");
            long onsetsBefore = count(vigil, "ONSET");
            // keep "live" beating through the grace period
            long until = System.currentTimeMillis() + 3500;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "live"));
                return System.currentTimeMillis() > until;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> count(vigil, "ONSET") == onsetsBefore + 1);
            JsonNode events = vigil.getJson("/api/v1/events?since=5m").path("events");
            JsonNode last = events.get(events.size() - 1);
            assertThat(last.path("sourceName").asText()).isEqualTo("dead");
            assertThat(vigil.getJson("/api/v1/sources?state=MISSING").path("sources").findValuesAsText("sourceName"))
                    .containsExactlyInAnyOrder("dead", "gone");
            // "gone" comes back: its ABATED carries the outage opened before the restart
            String goneOutage = null;
            for (JsonNode e : events) if (e.path("sourceName").asText().equals("gone")) goneOutage = e.path("payload").path("requestID").asText();
            vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "gone"));
            String expected = goneOutage;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode ev = vigil.getJson("/api/v1/events?since=5m").path("events");
                JsonNode abated = null;
                for (JsonNode e : ev) if (e.path("kind").asText().equals("ABATED")) abated = e;
                assertThat(abated).isNotNull();
                assertThat(abated.path("payload").path("requestID").asText()).isEqualTo(expected);
            });
        }
    }

    /**
     * A sink added while Vigil was down gets the alarms decided from the restart on (here an outage that began during
     * the downtime, decided the moment its grace ends) and none of the history before it.
     */
    @Test
    void aSinkAddedAcrossARestartGetsEveryAlarmFromTheRestartOnAndNoHistory() throws Exception {
        Path data = dir.resolve("b");
        Files.createDirectories(data);
        try (RunningServer vigil = RunningServer.start(data, CONFIG)) {
            vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "gone"));
            vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "dead"));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).until(() -> {
                vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "dead"));
                return count(vigil, "ONSET") == 1;
            });
        }
        try (EventSink added = new EventSink();
             RunningServer vigil = RunningServer.start(data, CONFIG.replace("  - type: log\n",
                     "  - type: log\n  - type: webhook\n    url: " + added.url() + "\n"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> count(vigil, "ONSET") == 2);
            await().atMost(Duration.ofSeconds(15)).until(() -> !added.of("dead", "ONSET").isEmpty());
            assertThat(added.all()).extracting(EventSink.Delivered::source).containsExactly("dead");
        }
    }

    private static long count(RunningServer vigil, String kind) {
        return vigil.getJson("/api/v1/events?since=5m").path("events").findValuesAsText("kind").stream().filter(kind::equals).count();
    }
}

package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependencies over a real server and the HTTP API: while the parent is down, the child is listed with
 * {@code heldBy} naming the parent and its held ONSET does too; once the parent is back and the child is still
 * missing one threshold later, the child's ONSET is published and {@code heldBy} is null.
 */
class DependenciesEndToEndTest {
    private static final String PARENT = "Heartbeat_site/site-a";
    private static final String CONFIG = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 300ms
                missedHeartbeats: 2
                timeBase: arrival
              - eventName: Heartbeat_site
                heartbeatInterval: 300ms
                missedHeartbeats: 2
                timeBase: arrival
            dependencies:
              - child: {eventName: Heartbeat_vDNS, sourceName: "vnf-*"}
                parent: {eventName: Heartbeat_site, sourceName: site-a}
            publish:
              - type: log
            """;

    @TempDir
    Path dir;

    private static List<String> published(RunningServer vigil) {
        return vigil.sourceKinds("/api/v1/events?since=5m");
    }

    private static JsonNode source(RunningServer vigil, String eventName, String sourceName) {
        for (JsonNode s : vigil.getJson("/api/v1/sources?eventName=" + eventName).path("sources")) {
            if (s.path("sourceName").asText().equals(sourceName)) return s;
        }
        throw new AssertionError(eventName + "/" + sourceName + " is not listed");
    }

    @Test
    void childHeldByADownParentNamesItAndIsPublishedIfStillMissingAfterTheParentRecovers() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            // the child's last heartbeat comes first, so its deadline falls while the parent is overdue or MISSING
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "vnf-1")).statusCode()).isEqualTo(202);
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_site", "site-a")).statusCode()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                assertThat(source(vigil, "Heartbeat_site", "site-a").path("state").asText()).isEqualTo("MISSING");
                JsonNode child = source(vigil, "Heartbeat_vDNS", "vnf-1");
                assertThat(child.path("state").asText()).isEqualTo("MISSING");
                assertThat(child.path("heldBy").asText()).isEqualTo(PARENT);
                assertThat(child.path("onsetHeld").asText()).isEqualTo("parent " + PARENT + " is MISSING");
            });
            JsonNode parent = source(vigil, "Heartbeat_site", "site-a");
            assertThat(parent.has("heldBy") && parent.get("heldBy").isNull()).as(parent.toString()).isTrue();
            assertThat(published(vigil)).containsExactly("site-a:ONSET");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                JsonNode held = vigil.getJson("/api/v1/events/held?since=5m").path("events");
                assertThat(held).hasSize(1);
                assertThat(held.get(0).path("sourceName").asText()).isEqualTo("vnf-1");
                assertThat(held.get(0).path("kind").asText()).isEqualTo("ONSET");
                assertThat(held.get(0).path("heldBy").asText()).isEqualTo(PARENT);
            });

            // the parent comes back and keeps beating; the child stays silent: one threshold later its ONSET is published
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_site", "site-a")).statusCode()).isEqualTo(202);
                assertThat(published(vigil)).containsExactly("site-a:ONSET", "site-a:ABATED", "vnf-1:ONSET");
            });
            JsonNode child = source(vigil, "Heartbeat_vDNS", "vnf-1");
            assertThat(child.path("state").asText()).isEqualTo("MISSING");
            assertThat(child.has("heldBy") && child.get("heldBy").isNull()).as(child.toString()).isTrue();
            assertThat(child.has("onsetHeld")).as(child.toString()).isFalse();
            assertThat(source(vigil, "Heartbeat_site", "site-a").path("state").asText()).isEqualTo("ALIVE");
        }
    }

    @Test
    void aDependencyThatWouldCloseACycleIsRefusedWith409NamingIt() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            String aOnB = "{\"child\": {\"eventName\": \"E\", \"sourceName\": \"a\"}, \"parent\": {\"eventName\": \"E\", \"sourceName\": \"b\"}}";
            String bOnA = "{\"child\": {\"eventName\": \"E\", \"sourceName\": \"b\"}, \"parent\": {\"eventName\": \"E\", \"sourceName\": \"a\"}}";
            assertThat(vigil.post("/api/v1/dependencies", aOnB).statusCode()).isEqualTo(201);
            var refused = vigil.post("/api/v1/dependencies", bOnA);
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(RunningServer.json(refused.body()).path("code").asText()).isEqualTo("dependency_cycle");
            assertThat(RunningServer.json(refused.body()).path("error").asText()).contains("E/b → E/a → E/b");

            // through the config's wildcard child: every vnf-* depends on site-a, so site-a may not depend on vnf-1
            var throughConfig = vigil.post("/api/v1/dependencies", "{\"child\": {\"eventName\": \"Heartbeat_site\", "
                    + "\"sourceName\": \"site-a\"}, \"parent\": {\"eventName\": \"Heartbeat_vDNS\", \"sourceName\": \"vnf-1\"}}");
            assertThat(throughConfig.statusCode()).isEqualTo(409);
            assertThat(throughConfig.body()).contains("Heartbeat_site/site-a").contains("Heartbeat_vDNS/vnf-1");
            assertThat(vigil.getJson("/api/v1/dependencies").path("count").asInt()).isEqualTo(2);

            // a reload whose rules close a cycle with the API's rule (E/a depends on E/b) is rejected; the config stays
            java.nio.file.Files.writeString(vigil.configFile, CONFIG.replace("dependencies:\n", """
                    dependencies:
                      - child: {eventName: E, sourceName: b}
                        parent: {eventName: E, sourceName: a}
                    """));
            var reload = vigil.post("/api/v1/config/reload", "");
            assertThat(reload.statusCode()).isEqualTo(422);
            assertThat(reload.body()).contains("dependencies").contains("E/a → E/b → E/a");
            assertThat(vigil.getJson("/api/v1/dependencies").path("count").asInt()).isEqualTo(2);
        }
    }
}

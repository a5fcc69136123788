package io.vigil.http;

import static io.vigil.server.RunningServer.heartbeat;
import static io.vigil.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/sources?flapping=} over a real socket: one source of a monitor with flap detection is driven into
 * FLAPPING (an ONSET and an ABATED make 2 changes, the configured limit) next to a steady one; every source object
 * says {@code "flapping"}; a value other than true or false is a JSON 400 naming the parameter.
 */
class SourcesFlappingApiTest {
    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                monitors:
                  - eventName: Heartbeat_flappy
                    heartbeatInterval: 200ms
                    missedHeartbeats: 1
                    timeBase: arrival
                    flapping: {changes: 2, window: 10m}
                  - eventName: Heartbeat_steady
                    heartbeatInterval: 10m
                    missedHeartbeats: 3
                    timeBase: arrival
                publish:
                  - type: log
                """);
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_steady", "steady-1")).statusCode()).isEqualTo(202);
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_flappy", "flap-1")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                vigil.getJson("/api/v1/sources?eventName=Heartbeat_flappy&state=MISSING").path("count").asInt() == 1);
        // the ABATED is the second change within the window: flapping from here on (window 10 m: for the whole test)
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_flappy", "flap-1")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() ->
                vigil.getJson("/api/v1/sources?flapping=true").path("count").asInt() == 1);
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    private static List<String> names(JsonNode body) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : body.path("sources")) out.add(s.path("sourceName").asText());
        return out;
    }

    @Test
    void flappingTrueListsOnlyTheFlappingSource() {
        JsonNode body = vigil.getJson("/api/v1/sources?flapping=true");
        assertThat(body.path("count").asInt()).isEqualTo(1);
        assertThat(names(body)).containsExactly("flap-1");
        assertThat(body.path("sources").get(0).path("flapping").isBoolean()).isTrue();
        assertThat(body.path("sources").get(0).path("flapping").asBoolean()).isTrue();
    }

    @Test
    void flappingFalseListsOnlyTheOthers() {
        JsonNode body = vigil.getJson("/api/v1/sources?flapping=false");
        assertThat(names(body)).containsExactly("steady-1");
        assertThat(body.path("sources").get(0).path("flapping").isBoolean()).isTrue();
        assertThat(body.path("sources").get(0).path("flapping").asBoolean()).isFalse();
    }

    @Test
    void flappingCombinesWithTheOtherFilters() {
        assertThat(vigil.getJson("/api/v1/sources?flapping=true&eventName=Heartbeat_steady").path("count").asInt()).isZero();
        assertThat(names(vigil.getJson("/api/v1/sources?flapping=true&eventName=Heartbeat_flappy&limit=1"))).containsExactly("flap-1");
        assertThat(names(vigil.getJson("/api/v1/sources?flapping=false&state=ALIVE"))).containsExactly("steady-1");
    }

    @Test
    void everySourceObjectSaysWhetherItIsFlappingAndWhatHoldsIt() {
        JsonNode body = vigil.getJson("/api/v1/sources");
        assertThat(names(body)).containsExactlyInAnyOrder("flap-1", "steady-1");
        for (JsonNode s : body.path("sources")) {
            assertThat(s.path("flapping").isBoolean()).as(s.toString()).isTrue();
            assertThat(s.path("flapping").asBoolean()).as(s.toString()).isEqualTo(s.path("sourceName").asText().equals("flap-1"));
            assertThat(s.has("heldBy")).as(s.toString()).isTrue();
            assertThat(s.get("heldBy").isNull()).as(s.toString()).isTrue();
            // the fields that were there before are still there
            assertThat(s.has("eventName") && s.has("state") && s.has("lastSeen") && s.has("suspicion")).as(s.toString()).isTrue();
        }
    }

    @Test
    void flappingStartIsAHeldEventThatNamesNoParent() {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            JsonNode held = vigil.getJson("/api/v1/events/held?since=5m").path("events");
            JsonNode start = null;
            for (JsonNode e : held) if (e.path("kind").asText().equals("FLAPPING_START")) start = e;
            assertThat(start).isNotNull();
            assertThat(start.path("sourceName").asText()).isEqualTo("flap-1");
            assertThat(start.has("heldBy") && start.get("heldBy").isNull()).as(start.toString()).isTrue();
        });
    }

    @Test
    void anyOtherFlappingValueIsA400NamingTheParameter() {
        for (String bad : List.of("yes", "1", "TRUE", "maybe")) {
            HttpResponse<String> r = vigil.get("/api/v1/sources?flapping=" + bad);
            assertThat(r.statusCode()).as(bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode err = json(r.body());
            assertThat(err.path("code").asText()).isEqualTo("bad_parameter");
            assertThat(err.path("error").asText()).startsWith("flapping:").contains(bad);
        }
    }
}

package io.vigil.http;

import static io.vigil.server.RunningServer.heartbeat;
import static io.vigil.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The VES listener and the REST API over a real socket: good input accepted, bad input answered with JSON. */
class VesIngestApiTest {
    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                http:
                  maxBodyBytes: 4096
                monitors:
                  - eventName: Heartbeat_vDNS
                    heartbeatInterval: 1s
                    missedHeartbeats: 3
                  - eventName: Heartbeat_vFW
                    heartbeatInterval: 1m
                    missedHeartbeats: 2
                    timeBase: arrival
                publish:
                  - type: log
                """);
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    @Test
    void singleHeartbeatIsAcceptedWith202AndTheSourceIsListed() {
        HttpResponse<String> r = vigil.post("/eventListener/v7", heartbeat("Heartbeat_vFW", "fw-1"));
        assertThat(r.statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode s = vigil.getJson("/api/v1/sources?eventName=Heartbeat_vFW");
            assertThat(s.path("sources").findValuesAsText("sourceName")).contains("fw-1");
            assertThat(s.path("sources").get(0).path("state").asText()).isEqualTo("ALIVE");
        });
        assertThat(vigil.post("/eventListener/v5", heartbeat("Heartbeat_vFW", "fw-5")).statusCode()).isEqualTo(202);
    }

    @Test
    void batchKeepsValidEventsAndNamesTheRejectedOnes() {
        String body = "{\"eventList\":[" + inner(heartbeat("Heartbeat_vFW", "b-1"))
                + ",{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"Heartbeat_vFW\",\"lastEpochMicrosec\":1}},"
                + inner(heartbeat("Heartbeat_vFW", "b-3")) + "]}";
        HttpResponse<String> r = vigil.post("/eventListener/v7/eventBatch", body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode err = json(r.body());
        assertThat(err.path("accepted").asInt()).isEqualTo(2);
        assertThat(err.path("rejected").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(err.path("rejected").get(0).path("reason").asText()).isEqualTo("eventList[1].commonEventHeader.sourceName: required");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(vigil.getJson("/api/v1/sources?eventName=Heartbeat_vFW").path("sources").findValuesAsText("sourceName"))
                        .contains("b-1", "b-3"));
    }

    private static String inner(String event) {
        JsonNode n = json(event);
        return n.path("event").toString();
    }

    @Test
    void malformedJsonAndMissingFieldsAre400WithTheProblemNamed() {
        HttpResponse<String> r = vigil.post("/eventListener/v7", "{\"event\":{");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").asText()).startsWith("body: malformed JSON");
        r = vigil.post("/eventListener/v7", "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"Heartbeat_vFW\",\"sourceName\":\"x\"}}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("rejected").get(0).path("reason").asText()).isEqualTo("event.commonEventHeader.lastEpochMicrosec: required");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"event\":{\"commonEventHeader\":{\"eventName\":\"Heartbeat_vFW\",\"sourceName\":\"" + "x".repeat(5000) + "\"}}}";
        HttpResponse<String> r = vigil.post("/eventListener/v7", big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(json(r.body()).path("code").asText()).isEqualTo("too_large");
    }

    @Test
    void unknownEventNameIsAcceptedButCountedAndDropped() {
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_nobody", "n-1")).statusCode()).isEqualTo(202);
        assertThat(vigil.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).doesNotContain("n-1");
        assertThat(vigil.get("/metrics").body()).containsPattern(
                "vigil_ingest_heartbeats_total\\{channel=\"http\",result=\"unknown_event_name\"} [1-9]");
    }

    @Test
    void everyRequestBodyIsLimitedByHttpMaxBodyBytes() {
        String big = "{\"comment\": \"" + "x".repeat(5000) + "\"}";
        for (String path : List.of("/api/v1/silences", "/api/v1/dependencies", "/api/v1/config/reload")) {
            HttpResponse<String> r = vigil.post(path, big);
            assertThat(r.statusCode()).as(path).isEqualTo(413);
            assertThat(json(r.body()).path("code").asText()).isEqualTo("too_large");
            assertThat(json(r.body()).path("error").asText()).contains("http.maxBodyBytes (4096 bytes)");
        }
    }

    @Test
    void wrongMethodIs405WithAllowNamingThePathsMethods() {
        HttpResponse<String> r = RunningServer.send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/silences"))).DELETE().build());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
        assertThat(json(r.body()).path("code").asText()).isEqualTo("method_not_allowed");
        r = vigil.post("/api/v1/status", "{}");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET");
        r = vigil.get("/api/v1/config/reload");
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
        r = vigil.get("/eventListener/v7");
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void indexAtApiV1ListsEveryDeclaredRouteAnd404PointsToIt() {
        JsonNode index = vigil.getJson("/api/v1");
        List<String> endpoints = new ArrayList<>();
        index.path("endpoints").forEach(e -> endpoints.add(e.asText()));
        assertThat(endpoints).contains("POST /eventListener/v7", "POST /eventListener/v7/eventBatch", "GET /api/v1/status",
                "GET /api/v1/sources?eventName=&state=&flapping=&channel=&q=&sort=&offset=&limit=", "POST /api/v1/config/reload",
                "GET /api/v1/silences/{id}", "DELETE /api/v1/dependencies/{id}", "GET /api/v1/events/held?since=&limit=",
                "GET /healthz", "GET /readyz", "GET /metrics");
        assertThat(json(vigil.get("/nothing/here").body()).path("error").asText()).contains("GET /api/v1 lists them");
    }

    @Test
    void restErrorsAreJson() {
        HttpResponse<String> r = vigil.get("/api/v1/sources?state=SLEEPY");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r.body()).path("error").asText()).contains("state: must be one of");
        r = vigil.get("/api/v1/nothing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r.body()).path("code").asText()).isEqualTo("not_found");
        r = vigil.get("/eventListener/v7");
        assertThat(r.statusCode()).isEqualTo(405);
        r = vigil.get("/api/v1/events?since=yesterday-ish");
        assertThat(r.statusCode()).isEqualTo(400);
    }

    @Test
    void statusMonitorsHealthAndMetricsAnswer() {
        JsonNode s = vigil.getJson("/api/v1/status");
        assertThat(s.path("state").asText()).isEqualTo("RUNNING");
        assertThat(s.path("role").asText()).isEqualTo("ACTIVE");
        assertThat(s.path("counts").path("monitors").asInt()).isEqualTo(2);
        JsonNode m = vigil.getJson("/api/v1/monitors");
        assertThat(m.path("monitors").findValuesAsText("eventName")).containsExactly("Heartbeat_vDNS", "Heartbeat_vFW");
        assertThat(m.path("monitors").get(1).path("timeBase").asText()).isEqualTo("arrival");
        assertThat(vigil.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(vigil.get("/readyz").statusCode()).isEqualTo(200);
        String metrics = vigil.get("/metrics").body();
        assertThat(metrics).contains("vigil_sources{", "vigil_detector_onset_lag", "vigil_sink_delivered_total{sink=\"log\"}",
                "vigil_sink_delivery_age_seconds_bucket{sink=\"log\"", "vigil_ha_active", "vigil_store_healthy");
    }

    @Test
    void monitorsCountTheirSourcesAsOnapsVnfTable1DidInTheApiAndTheMetrics() {
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vFW", "count-a")).statusCode()).isEqualTo(202);
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vFW", "count-b")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode vfw = null;
            for (JsonNode m : vigil.getJson("/api/v1/monitors").path("monitors")) {
                if (m.path("eventName").asText().equals("Heartbeat_vFW")) vfw = m;
            }
            assertThat(vfw).isNotNull();
            assertThat(vfw.path("sourceCount").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(vigil.get("/metrics").body()).containsPattern("vigil_monitor_sources\\{event_name=\"Heartbeat_vFW\"} [1-9]");
        });
    }

    @Test
    void basicAuthIsEnforcedWhenConfigured(@TempDir Path other) throws Exception {
        try (RunningServer secured = RunningServer.start(other, """
                http:
                  auth: {user: ves, password: s3cret}
                monitors:
                  - {eventName: Heartbeat_vFW, heartbeatInterval: 1m, missedHeartbeats: 2}
                """)) {
            HttpResponse<String> r = secured.post("/eventListener/v7", heartbeat("Heartbeat_vFW", "a"));
            assertThat(r.statusCode()).isEqualTo(401);
            String auth = "Basic " + Base64.getEncoder().encodeToString("ves:s3cret".getBytes(StandardCharsets.UTF_8));
            r = RunningServer.send(HttpRequest.newBuilder(URI.create(secured.url("/eventListener/v7")))
                    .header("Authorization", auth).POST(HttpRequest.BodyPublishers.ofString(heartbeat("Heartbeat_vFW", "a"))).build());
            assertThat(r.statusCode()).isEqualTo(202);
        }
    }
}

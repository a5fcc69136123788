package io.vigil.http.openapi;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.models.PathItem;
import io.vigil.server.RunningServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI 3.1 document at {@code /api/v1/openapi.json}: valid for swagger-parser, complete (every route the
 * server lists in its index is documented, and every documented route is served), and true (real answers of every
 * documented read endpoint, and of the mutations, match its schemas; {@link RunningServer#send} checks each).
 */
class OpenApiDocumentTest {
    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_api, heartbeatInterval: 100ms, missedHeartbeats: 2, timeBase: arrival}
                publish:
                  - type: log
                collect:
                  changesInterval: 200ms
                  allInterval: 1s
                  datasources:
                    - name: local
                      type: inventory
                      instances:
                        - {id: i-1, ip: 127.0.0.1, check: {type: command, command: ['true']}}
                      services:
                        - {name: db, ip: 127.0.0.1, mode: mariadb, status: master, check: {type: command, command: ['true']}}
                actions:
                  noop: {command: ['true']}
                peers:
                  - {name: ha, type: server, hostname: 127.0.0.1, port: 0, heartbeatInterval: 200ms}
                """);
        await().atMost(Duration.ofSeconds(20)).until(() -> vigil.getJson("/api/v1/heartbeat").path("round").asLong() > 0);
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    @Test
    void theServedDocumentIsValidOpenApi31() {
        HttpResponse<String> r = vigil.get("/api/v1/openapi.json");
        assertThat(r.statusCode()).isEqualTo(200);
        OpenApiContract served = OpenApiContract.parse(r.body());
        assertThat(served.messages()).as("swagger-parser's messages").isEmpty();
        assertThat(served.model().getOpenapi()).startsWith("3.1.");
        assertThat(served.model().getPaths()).isNotEmpty();
        assertThat(RunningServer.json(r.body())).isEqualTo(RunningServer.json(io.vigil.http.Json.write(
                io.vigil.http.dashboard.DashboardApi.openApiDocument())));
    }

    @Test
    void theCheckerRejectsAnswersThatBreakTheSchemas() {
        OpenApiContract c = OpenApiContract.bundled();
        assertThat(c.violationsOf(RunningServer.json("""
                {"eventName": "e", "sourceName": "s", "state": "SLEEPING", "lastSeen": 5, "lastSeenMillis": 1.5,
                 "channel": "pigeon", "suspicion": 0, "flapping": false}"""), "Source"))
                .containsExactlyInAnyOrder("$.state: \"SLEEPING\" is not one of [UNKNOWN, ALIVE, MISSING]",
                        "$.lastSeen: expected [string, null], got number 5",
                        "$.lastSeenMillis: expected [integer], got number 1.5",
                        "$.channel: \"pigeon\" is not one of [http, dmaap, kafka, peer, null]",
                        "$: required property heldBy is missing");
        assertThat(c.violations("GET", "/api/v1/sources", 200, "application/json", "{\"count\": 1, \"total\": 1, \"offset\": 0, \"sources\": [{}]}"))
                .contains("$.sources[0]: required property state is missing");
        assertThat(c.violations("POST", "/api/v1/command", 200, "application/json", "{\"level\": \"instances\"}"))
                .singleElement().asString().startsWith("$: matches none of anyOf");
        assertThat(c.violations("GET", "/api/v1/nowhere", 200, "application/json", "{}")).containsExactly("not documented: GET /api/v1/nowhere");
        assertThat(c.violations("GET", "/api/v1/status", 418, "application/json", "{}")).hasSize(1);
    }

    @Test
    void everyRouteTheServerListsIsDocumented() {
        List<String> undocumented = new ArrayList<>();
        JsonNode endpoints = vigil.getJson("/api/v1").path("endpoints");
        assertThat(endpoints).isNotEmpty();
        for (JsonNode e : endpoints) {
            String text = e.asText().replaceAll(" \\(.*\\)$", "");
            String method = text.substring(0, text.indexOf(' '));
            String path = text.substring(text.indexOf(' ') + 1).replaceAll("\\?.*$", "");
            if (OpenApiContract.bundled().operation(method, path) == null) undocumented.add(e.asText());
        }
        assertThat(undocumented).as("routes listed at GET /api/v1 but missing from openapi.yaml").isEmpty();
    }

    @Test
    void everyDocumentedRouteIsServed() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<String> phantoms = new ArrayList<>();
        for (Map.Entry<String, PathItem> p : OpenApiContract.bundled().model().getPaths().entrySet()) {
            String path = p.getKey().replaceAll("\\{[^}]+}", "x").replace("/dashboard/x", "/dashboard/app.js");
            for (PathItem.HttpMethod m : p.getValue().readOperationsMap().keySet()) {
                if (m == PathItem.HttpMethod.POST && path.equals("/api/v1/config/reload")) continue; // served: ReloadEndToEndTest
                HttpRequest.BodyPublisher body = m == PathItem.HttpMethod.POST
                        ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody();
                HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(URI.create(vigil.url(path)))
                        .header("Content-Type", "application/json").method(m.name(), body).build(), HttpResponse.BodyHandlers.ofInputStream());
                String head;
                try (InputStream in = r.body()) {
                    head = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream") ? "" : new String(in.readAllBytes());
                }
                if (r.statusCode() == 405 || (r.statusCode() == 404 && head.contains("no such endpoint"))) {
                    phantoms.add(m + " " + p.getKey() + " → " + r.statusCode() + " " + head);
                }
            }
        }
        assertThat(phantoms).as("documented but not served").isEmpty();
    }

    @Test
    void realAnswersOfEveryEndpointMatchTheirSchemas() {
        // each call goes through RunningServer.send, which checks the answer against the document
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_api", "api-1")).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.getJson("/api/v1/sources?state=MISSING").path("total").asInt() == 1);
        assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_api", "api-1")).statusCode()).isEqualTo(202);
        assertThat(vigil.post("/eventListener/v7", "{\"event\": 1}").statusCode()).isEqualTo(400);
        for (String get : List.of("/healthz", "/readyz", "/api/v1", "/api/v1/status", "/api/v1/monitors",
                "/api/v1/sources?sort=-lastSeen&limit=5", "/api/v1/dead-letters", "/api/v1/sources/Heartbeat_api/api-1", "/api/v1/events?since=5m",
                "/api/v1/events/held?since=5m", "/api/v1/silences", "/api/v1/dependencies", "/api/v1/heartbeat",
                "/api/v1/collect", "/api/v1/actions/delayed", "/api/v1/actions/plans", "/api/v1/actions/history",
                "/rpc/datasources", "/api/v1/openapi.json", "/api/v1/peers")) {
            assertThat(vigil.get(get).statusCode()).as(get).isEqualTo(200);
        }
        assertThat(vigil.get("/metrics").statusCode()).isEqualTo(200);
        assertThat(vigil.get("/api/v1/sources?state=GONE").statusCode()).isEqualTo(400);
        assertThat(vigil.get("/api/v1/sources/Heartbeat_api/nobody").statusCode()).isEqualTo(404);

        HttpResponse<String> silence = vigil.post("/api/v1/silences", """
                {"matchers": {"eventName": "Heartbeat_api", "sourceName": "api-*"}, "endsAt": "%s", "comment": "schema check"}"""
                .formatted(Instant.now().plusSeconds(600)));
        assertThat(silence.statusCode()).isEqualTo(201);
        String silenceId = RunningServer.json(silence.body()).path("id").asText();
        assertThat(vigil.get("/api/v1/silences/" + silenceId).statusCode()).isEqualTo(200);
        HttpResponse<String> dependency = vigil.post("/api/v1/dependencies", """
                {"child": {"sourceName": "api-child-*"}, "parent": {"eventName": "Heartbeat_api", "sourceName": "api-1"}}""");
        assertThat(dependency.statusCode()).isEqualTo(201);
        String dependencyId = RunningServer.json(dependency.body()).path("id").asText();
        assertThat(vigil.get("/api/v1/dependencies/" + dependencyId).statusCode()).isEqualTo(200);
        assertThat(vigil.post("/api/v1/command", """
                {"level":"instances","command":{"action":"heartbeat","group":"all","type":"all"}}""").statusCode()).isEqualTo(200);
        for (String form : List.of("{\"level\":\"services\",\"command\":{\"action\":\"status\"}}",
                "{\"level\":\"instances\",\"format\":\"clmgr\",\"command\":{\"action\":\"heartbeat\"}}")) {
            assertThat(vigil.post("/api/v1/command", form).statusCode()).as(form).isEqualTo(200);
        }
        assertThat(vigil.get("/api/v1/heartbeat?format=clmgr").statusCode()).isEqualTo(200);
        assertThat(vigil.post("/api/v1/peers/leadership", "{\"leadershipStatus\":\"LEADER\"}").statusCode()).isEqualTo(200);
        assertThat(vigil.post("/api/v1/peers/ha/command", "{\"command\":\"suspend\"}").statusCode()).isEqualTo(200);
        assertThat(vigil.post("/api/v1/peers/ha/command", "{\"command\":\"suspend\"}").statusCode()).isEqualTo(409);
        assertThat(vigil.post("/rpc/get_all", "{\"datasources\": [\"local\"]}").statusCode()).isEqualTo(200);
        assertThat(vigil.post("/api/v1/actions/delayed", """
                {"event_ip": "127.0.0.9", "event_type": "service", "event_state": "running", "do_action": "noop"}""").statusCode())
                .isEqualTo(201);
        JsonNode delayed = vigil.getJson("/api/v1/actions/delayed").path("actions");
        assertThat(delayed).hasSize(1);
        HttpResponse<String> cancel = RunningServer.send(HttpRequest.newBuilder(URI.create(vigil.url(
                "/api/v1/actions/delayed/" + delayed.get(0).path("id").asText()))).DELETE().build());
        assertThat(cancel.statusCode()).isEqualTo(200);
        for (String gone : List.of("/api/v1/silences/" + silenceId, "/api/v1/dependencies/" + dependencyId)) {
            assertThat(RunningServer.send(HttpRequest.newBuilder(URI.create(vigil.url(gone))).DELETE().build()).statusCode())
                    .as(gone).isEqualTo(204);
        }
    }
}

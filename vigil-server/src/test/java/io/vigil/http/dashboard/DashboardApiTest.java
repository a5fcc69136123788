package io.vigil.http.dashboard;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.openapi.OpenApiContract;
import io.vigil.server.RunningServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard reads, over a real socket: the sources table's server-side paging, order and filters, one source,
 * the events of one source, the live event stream (server-sent events) and the dashboard's own files. Every answer is
 * also checked against the OpenAPI document ({@link RunningServer#send}).
 */
class DashboardApiTest {
    private static final String FAST = "Heartbeat_fast";
    private static final String SLOW = "Heartbeat_slow";

    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_fast, heartbeatInterval: 100ms, missedHeartbeats: 2, timeBase: arrival}
                  - {eventName: Heartbeat_slow, heartbeatInterval: 10m, missedHeartbeats: 3, timeBase: arrival}
                publish:
                  - type: log
                """);
        for (int i = 0; i < 30; i++) {
            assertThat(vigil.post("/eventListener/v7", heartbeat(SLOW, String.format("node-%02d", i))).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> vigil.getJson("/api/v1/sources?eventName=" + SLOW + "&limit=1").path("total").asInt() == 30);
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    private static List<String> names(JsonNode page) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : page.path("sources")) out.add(s.path("sourceName").asText());
        return out;
    }

    @Test
    void sourcesArePagedByOffsetInTheRequestedOrderWithTheTotal() {
        JsonNode page = vigil.getJson("/api/v1/sources?eventName=" + SLOW + "&sort=name&offset=10&limit=5");
        assertThat(page.path("total").asInt()).isEqualTo(30);
        assertThat(page.path("count").asInt()).isEqualTo(5);
        assertThat(page.path("offset").asInt()).isEqualTo(10);
        assertThat(names(page)).containsExactly("node-10", "node-11", "node-12", "node-13", "node-14");
        assertThat(names(vigil.getJson("/api/v1/sources?eventName=" + SLOW + "&sort=-name&limit=2"))).containsExactly("node-29", "node-28");
    }

    @Test
    void sourcesAreFilteredByTextAndChannel() {
        JsonNode page = vigil.getJson("/api/v1/sources?q=NODE-2&sort=name&limit=100");
        assertThat(names(page)).containsExactly("node-20", "node-21", "node-22", "node-23", "node-24", "node-25", "node-26",
                "node-27", "node-28", "node-29");
        assertThat(vigil.getJson("/api/v1/sources?channel=kafka").path("total").asInt()).isZero();
        assertThat(vigil.getJson("/api/v1/sources?channel=http&eventName=" + SLOW).path("total").asInt()).isEqualTo(30);
    }

    @Test
    void aBadSortOffsetOrChannelIsA400NamingTheParameter() {
        for (String[] c : new String[][] {{"sort=colour", "sort:"}, {"offset=-1", "offset:"}, {"channel=pigeon", "channel:"},
                {"q=" + "x".repeat(300), "q:"}}) {
            HttpResponse<String> r = vigil.get("/api/v1/sources?" + c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(RunningServer.json(r.body()).path("error").asText()).startsWith(c[1]);
            assertThat(RunningServer.json(r.body()).path("code").asText()).isEqualTo("bad_parameter");
        }
    }

    @Test
    void oneSourceIsServedByItsNamesAndAnUnknownOneIs404() {
        JsonNode s = vigil.getJson("/api/v1/sources/" + SLOW + "/node-07");
        assertThat(s.path("sourceName").asText()).isEqualTo("node-07");
        assertThat(s.path("state").asText()).isEqualTo("ALIVE");
        HttpResponse<String> r = vigil.get("/api/v1/sources/" + SLOW + "/nobody");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(RunningServer.json(r.body()).path("code").asText()).isEqualTo("unknown_source");
    }

    @Test
    void theEventStreamDeliversEachChangeAsItHappensAndTheEventsOfOneSourceCanBeListed() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/events/stream"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertThat(vigil.get("/metrics").body()).contains("vigil_http_event_stream_clients 1.0");
            CompletableFuture<List<JsonNode>> frames = CompletableFuture.supplyAsync(() -> readChanges(in, "stream-1", 2));
            assertThat(vigil.post("/eventListener/v7", heartbeat(FAST, "stream-1")).statusCode()).isEqualTo(202);
            // silent for 2 x 100 ms: ONSET
            List<JsonNode> changes = frames.get(30, TimeUnit.SECONDS);
            assertThat(changes).extracting(c -> c.path("kind").asText()).containsExactly("ALIVE", "ONSET");
            assertThat(changes.get(1).path("state").asText()).isEqualTo("MISSING");
            for (JsonNode c : changes) assertThat(OpenApiContract.bundled().violationsOf(c, "ChangeEvent")).isEmpty();
        }
        JsonNode events = vigil.getJson("/api/v1/events?since=5m&eventName=" + FAST + "&sourceName=stream-1");
        assertThat(events.path("events")).extracting(e -> e.path("sourceName").asText() + ":" + e.path("kind").asText())
                .containsExactly("stream-1:ONSET");
        assertThat(vigil.getJson("/api/v1/events?since=5m&sourceName=node-01").path("count").asInt()).isZero();
    }

    /** Reads SSE frames until {@code count} change events of {@code source} arrived. */
    private static List<JsonNode> readChanges(BufferedReader in, String source, int count) {
        List<JsonNode> out = new ArrayList<>();
        try {
            String event = null;
            for (String line; out.size() < count && (line = in.readLine()) != null; ) {
                if (line.startsWith("event:")) event = line.substring(6).trim();
                else if (line.startsWith("data:") && "change".equals(event)) {
                    JsonNode n = RunningServer.json(line.substring(5).trim());
                    if (n.path("sourceName").asText().equals(source)) out.add(n);
                } else if (line.isEmpty()) event = null;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void theDashboardIsServedAtTheRootWithItsFiles() {
        HttpResponse<String> page = vigil.get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElse("")).contains("default-src 'self'");
        assertThat(page.body()).contains("/dashboard/app.js", "/dashboard/app.css");
        for (String f : new String[] {"app.js", "app.css", "favicon.svg", "index.html"}) {
            assertThat(vigil.get("/dashboard/" + f).statusCode()).as(f).isEqualTo(200);
        }
        HttpResponse<String> missing = vigil.get("/dashboard/nothing.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(RunningServer.json(missing.body()).path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void monitorsCountTheirSourcesPerState() {
        JsonNode monitors = vigil.getJson("/api/v1/monitors").path("monitors");
        JsonNode slow = null;
        for (JsonNode m : monitors) if (m.path("eventName").asText().equals(SLOW)) slow = m;
        assertThat(slow).isNotNull();
        assertThat(slow.path("sources").path("alive").asInt()).isEqualTo(30);
        assertThat(slow.path("sources").path("total").asInt()).isEqualTo(30);
    }
}

package io.vigil.http;

import static io.vigil.server.RunningServer.heartbeat;
import static io.vigil.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.server.RunningServer;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input limits at the door, over a real socket (issues 13 and 19.8–19.11): names too long or not printable, lenient
 * JSON, things that are not heartbeats, and new sources past {@code limits.*} are refused with a JSON error naming the
 * problem, and none of them can stop another source's alarm.
 */
class IngestLimitsApiTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 300ms
                missedHeartbeats: 2
                timeBase: arrival
            publish:
              - type: log
            """;

    private static String event(String header) {
        return "{\"event\":{\"commonEventHeader\":{" + header + "}}}";
    }

    private static String header(String sourceNameJson, String epochJson) {
        return "\"domain\":\"heartbeat\",\"eventName\":\"Heartbeat_vDNS\",\"sourceName\":" + sourceNameJson
                + ",\"lastEpochMicrosec\":" + epochJson;
    }

    private static String reason(HttpResponse<String> r) {
        JsonNode n = json(r.body());
        return n.has("rejected") ? n.path("rejected").get(0).path("reason").asText() : n.path("error").asText();
    }

    @Test
    void aNineHundredThousandCharacterNameGets400AndAnotherSourcesOnsetStillReachesTheWebhook() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/alarms", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        webhook.start();
        try (RunningServer vigil = RunningServer.start(dir, CONFIG.replace("  - type: log",
                "  - {type: webhook, url: 'http://127.0.0.1:" + webhook.getAddress().getPort() + "/alarms'}"))) {
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "canary")).statusCode()).isEqualTo(202);
            for (int length : new int[] {256, 900_000}) {
                HttpResponse<String> r = vigil.post("/eventListener/v7", event(header("\"" + "n".repeat(length) + "\"", "0")));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(reason(r)).isEqualTo("event.commonEventHeader.sourceName: longer than limits.nameLength ("
                        + length + " > 255 characters)");
            }
            HttpResponse<String> longEvent = vigil.post("/eventListener/v7",
                    event("\"domain\":\"heartbeat\",\"eventName\":\"" + "E".repeat(300) + "\",\"sourceName\":\"s\",\"lastEpochMicrosec\":0"));
            assertThat(reason(longEvent)).startsWith("event.commonEventHeader.eventName: longer than limits.nameLength");
            // the canary goes silent: its ONSET is journaled and delivered, nothing blocks the writer
            await().atMost(Duration.ofSeconds(20)).until(() -> received.stream().anyMatch(b -> b.contains("canary") && b.contains("ONSET")));
            assertThat(vigil.getJson("/api/v1/status").path("storeHealthy").asBoolean()).isTrue();
            assertThat(vigil.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).containsExactly("canary");
        } finally {
            webhook.stop(0);
        }
    }

    @Test
    void nonPrintableNamesAndLoneSurrogatesGet400NamingTheField() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            record Case(String nameJson, String expected) {
            }
            for (Case c : List.of(
                    new Case("\"nul\\u0000x\"", "U+0000"),
                    new Case("\"line\\nbreak\"", "U+000A"),
                    new Case("\"\\u001b[2Jansi\"", "U+001B"),
                    new Case("\"vnf\\ud800\"", "a lone UTF-16 surrogate (U+D800)"),
                    new Case("\"vnf\\udfff\"", "a lone UTF-16 surrogate (U+DFFF)"))) {
                HttpResponse<String> r = vigil.post("/eventListener/v7", event(header(c.nameJson(), "0")));
                assertThat(r.statusCode()).as(c.nameJson()).isEqualTo(400);
                assertThat(reason(r)).as(c.nameJson()).startsWith("event.commonEventHeader.sourceName: ").contains(c.expected());
            }
            // per item of a batch: the good ones are taken
            HttpResponse<String> batch = vigil.post("/eventListener/v7/eventBatch", "{\"eventList\":["
                    + "{\"commonEventHeader\":{" + header("\"vnf\\ud801\"", "0") + "}},"
                    + "{\"commonEventHeader\":{" + header("\"good-1\"", "0") + "}}]}");
            assertThat(batch.statusCode()).isEqualTo(400);
            assertThat(json(batch.body()).path("accepted").asInt()).isEqualTo(1);
            assertThat(reason(batch)).startsWith("eventList[0].commonEventHeader.sourceName: a lone UTF-16 surrogate");
            assertThat(vigil.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).containsExactly("good-1");
            assertThat(vigil.get("/metrics").body()).containsPattern("vigil_ingest_rejected_total\\{channel=\"http\",reason=\"missing_field\"} [1-9]");
        }
    }

    @Test
    void lenientJsonAndWhatIsNotAHeartbeatGet400() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            String good = heartbeat("Heartbeat_vDNS", "json-1");
            for (String body : List.of(good + "garbage", good + good, good.replace("{\"event\":", "{\"event\":{},\"event\":"))) {
                HttpResponse<String> r = vigil.post("/eventListener/v7", body);
                assertThat(r.statusCode()).as(body).isEqualTo(400);
                assertThat(json(r.body()).path("code").asText()).isEqualTo("invalid_ves");
            }
            for (String domain : List.of("null", "1", "\"fault\"")) {
                HttpResponse<String> r = vigil.post("/eventListener/v7", good.replace("\"domain\":\"heartbeat\"", "\"domain\":" + domain));
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(reason(r)).startsWith("event.commonEventHeader.domain: must be \"heartbeat\"");
            }
            for (String epoch : List.of("1.5", "1e308", "\"123\"", "-1")) {
                HttpResponse<String> r = vigil.post("/eventListener/v7", event(header("\"json-2\"", epoch)));
                assertThat(r.statusCode()).as(epoch).isEqualTo(400);
                assertThat(reason(r)).startsWith("event.commonEventHeader.lastEpochMicrosec: must be an integer");
            }
            assertThat(vigil.getJson("/api/v1/sources").path("count").asInt()).isZero();
        }
    }

    @Test
    void epochZeroIsTakenAsArrivalSoTheSourceIsAlive() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG.replace("timeBase: arrival", "timeBase: event")
                .replace("300ms", "1m"))) {
            assertThat(vigil.post("/eventListener/v7", event(header("\"zero\"", "0"))).statusCode()).isEqualTo(202);
            assertThat(vigil.post("/eventListener/v7", event(header("\"one\"", "1"))).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonNode s = vigil.getJson("/api/v1/sources");
                assertThat(s.path("sources").findValuesAsText("state")).containsExactly("ALIVE", "ALIVE");
            });
            assertThat(vigil.sourceKinds("/api/v1/events?since=5m")).isEmpty(); // no ONSET for "one"
        }
    }

    @Test
    void newSourcesPastTheLimitsGet429WhileKnownSourcesKeepWorking() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG.replace("300ms", "1m") + """
                limits:
                  maxSources: 3
                  newSourcesPerSecond: 2
                """)) {
            String item = "{\"commonEventHeader\":{" + header("\"%s\"", "0") + "}}";
            // one batch, one instant: two new sources fit the bucket, the other two do not
            HttpResponse<String> r = vigil.post("/eventListener/v7/eventBatch", "{\"eventList\":["
                    + item.formatted("a") + "," + item.formatted("b") + "," + item.formatted("c") + "," + item.formatted("d") + "]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            JsonNode err = json(r.body());
            assertThat(err.path("code").asText()).isEqualTo("source_limit");
            assertThat(err.path("accepted").asInt()).isEqualTo(2);
            assertThat(err.path("refusedNewSources").asInt()).isEqualTo(2);
            assertThat(err.path("error").asText()).contains("limits.maxSources", "limits.newSourcesPerSecond");
            // known sources are never limited
            for (int i = 0; i < 5; i++) assertThat(vigil.post("/eventListener/v7", event(header("\"a\"", "0"))).statusCode()).isEqualTo(202);
            // once the bucket refilled, one more fits, then maxSources (3) is reached for good
            await().atMost(Duration.ofSeconds(10)).until(() -> vigil.post("/eventListener/v7", event(header("\"c\"", "0"))).statusCode() == 202);
            HttpResponse<String> full = vigil.post("/eventListener/v7", event(header("\"e\"", "0")));
            assertThat(full.statusCode()).isEqualTo(429);
            assertThat(vigil.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).containsExactlyInAnyOrder("a", "b", "c");
            String metrics = vigil.get("/metrics").body();
            assertThat(metrics).containsPattern("vigil_ingest_heartbeats_total\\{channel=\"http\",result=\"source_limit\"} [3-9]");
            assertThat(metrics).containsPattern("vigil_ingest_new_sources_refused_total\\{limit=\"maxSources\"} [1-9]");
            assertThat(metrics).containsPattern("vigil_ingest_new_sources_refused_total\\{limit=\"newSourcesPerSecond\"} [2-9]");
        }
    }
}

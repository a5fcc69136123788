package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Silences and expected sources over a real server and the HTTP API: a silenced source's ONSET is recorded (held
 * events) but not published; deleting the silence publishes it; an expected source that never shows up is alarmed;
 * bad requests get JSON errors.
 */
class SilencesEndToEndTest {
    private static final String CONFIG = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 500ms
                missedHeartbeats: 2
                timeBase: arrival
                expectedSources: [never-1]
            publish:
              - type: log
            """;

    @TempDir
    Path dir;

    private static List<String> published(RunningServer vigil) {
        return vigil.sourceKinds("/api/v1/events?since=5m");
    }

    private static List<String> held(RunningServer vigil) {
        return vigil.sourceKinds("/api/v1/events/held?since=5m");
    }

    @Test
    void silencedOnsetIsRecordedNotPublishedAndDeletingTheSilencePublishesIt() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            HttpResponse<String> created = vigil.post("/api/v1/silences", """
                    {"matchers": {"sourceName": "vdns-*"}, "endsAt": "%s", "comment": "upgrade"}
                    """.formatted(Instant.now().plus(Duration.ofHours(1))));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = RunningServer.json(created.body()).path("id").asText();
            JsonNode list = vigil.getJson("/api/v1/silences");
            assertThat(list.path("silences").findValuesAsText("id")).containsExactly(id);
            assertThat(list.path("silences").get(0).path("active").asBoolean()).isTrue();

            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "vdns-1")).statusCode()).isEqualTo(202);
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "vfw-1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                assertThat(published(vigil)).contains("vfw-1:ONSET", "never-1:ONSET");
                assertThat(held(vigil)).contains("vdns-1:ONSET");
            });
            assertThat(published(vigil)).doesNotContain("vdns-1:ONSET");

            HttpResponse<String> deleted = RunningServer.send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/silences/" + id)))
                    .DELETE().build());
            assertThat(deleted.statusCode()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(published(vigil)).contains("vdns-1:ONSET"));
            assertThat(vigil.get("/api/v1/silences/" + id).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void invalidSilencesAndDependenciesAreRejectedWithJsonErrors() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            HttpResponse<String> noEnd = vigil.post("/api/v1/silences", "{\"matchers\": {\"eventName\": \"x\"}}");
            assertThat(noEnd.statusCode()).isEqualTo(400);
            assertThat(RunningServer.json(noEnd.body()).path("error").asText()).contains("endsAt");
            HttpResponse<String> backwards = vigil.post("/api/v1/silences",
                    "{\"startsAt\": \"2030-01-02T00:00:00Z\", \"endsAt\": \"2030-01-01T00:00:00Z\"}");
            assertThat(backwards.statusCode()).isEqualTo(400);
            assertThat(vigil.post("/api/v1/silences", "not json").statusCode()).isEqualTo(400);
            HttpResponse<String> wildParent = vigil.post("/api/v1/dependencies",
                    "{\"child\": {\"sourceName\": \"vnf-*\"}, \"parent\": {\"eventName\": \"S\", \"sourceName\": \"site-*\"}}");
            assertThat(wildParent.statusCode()).isEqualTo(400);
            HttpResponse<String> dep = vigil.post("/api/v1/dependencies",
                    "{\"child\": {\"eventName\": \"Heartbeat_vDNS\", \"sourceName\": \"vnf-*\"}, \"parent\": {\"eventName\": \"Heartbeat_vDNS\", \"sourceName\": \"site-a\"}}");
            assertThat(dep.statusCode()).as(dep.body()).isEqualTo(201);
            assertThat(vigil.getJson("/api/v1/dependencies").path("count").asInt()).isEqualTo(1);
            assertThat(vigil.get("/api/v1/silences/nope").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aSilenceMustNameItsSourcesAndEndWithinTheMaximumDuration() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, CONFIG)) {
            String inAnHour = Instant.now().plus(Duration.ofHours(1)).toString();
            for (String matchers : List.of("", "\"matchers\": null, ", "\"matchers\": {}, ", "\"matchers\": {\"sourceName\": \" \"}, ")) {
                HttpResponse<String> r = vigil.post("/api/v1/silences", "{" + matchers + "\"endsAt\": \"" + inAnHour + "\"}");
                assertThat(r.statusCode()).as(matchers).isEqualTo(400);
                assertThat(RunningServer.json(r.body()).path("code").asText()).isEqualTo("invalid_silence");
                assertThat(RunningServer.json(r.body()).path("error").asText()).startsWith("matchers: required").contains("\"*\"");
            }
            HttpResponse<String> all = vigil.post("/api/v1/silences", "{\"matchers\": {\"eventName\": \"*\"}, \"endsAt\": \"" + inAnHour + "\"}");
            assertThat(all.statusCode()).as(all.body()).isEqualTo(201);

            for (String endsAt : List.of("\"2099-01-01T00:00:00Z\"", "\"+999999-01-01T00:00:00Z\"", String.valueOf(Long.MAX_VALUE),
                    "\"" + Instant.now().plus(Duration.ofDays(31)) + "\"", "1e300", "-1")) {
                HttpResponse<String> r = vigil.post("/api/v1/silences", "{\"matchers\": {\"sourceName\": \"a\"}, \"endsAt\": " + endsAt + "}");
                assertThat(r.statusCode()).as(endsAt + " → " + r.body()).isEqualTo(400);
                assertThat(RunningServer.json(r.body()).path("error").asText()).as(endsAt).startsWith("endsAt");
            }
            HttpResponse<String> farStart = vigil.post("/api/v1/silences", "{\"matchers\": {\"sourceName\": \"a\"}, "
                    + "\"startsAt\": \"2999-01-01T00:00:00Z\", \"endsAt\": \"2999-01-02T00:00:00Z\"}");
            assertThat(farStart.statusCode()).isEqualTo(400);
            assertThat(farStart.body()).contains("startsAt");
            HttpResponse<String> month = vigil.post("/api/v1/silences", "{\"matchers\": {\"sourceName\": \"a\"}, \"endsAt\": \""
                    + Instant.now().plus(Duration.ofDays(29)) + "\"}");
            assertThat(month.statusCode()).as(month.body()).isEqualTo(201);
        }
    }
}

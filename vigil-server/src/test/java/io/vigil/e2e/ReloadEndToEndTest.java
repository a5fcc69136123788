package io.vigil.e2e;

import static io.vigil.server.RunningServer.heartbeat;
import static io.vigil.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.server.RunningServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reconfiguration at run time: from the config file on demand, and from a remote config endpoint by polling. */
class ReloadEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void reloadAppliesAValidFileAndRejectsAnInvalidOneKeepingTheRunningConfig() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_A, heartbeatInterval: 10s, missedHeartbeats: 3}
                """)) {
            Files.writeString(vigil.configFile, """
                    monitors:
                      - {eventName: Heartbeat_A, heartbeatInterval: 5s, missedHeartbeats: 2}
                      - {eventName: Heartbeat_B, heartbeatInterval: 1m, missedHeartbeats: 3}
                    """);
            var r = vigil.post("/api/v1/config/reload", "");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode changes = json(r.body()).path("changes");
            assertThat(changes.path("added").get(0).asText()).isEqualTo("Heartbeat_B");
            assertThat(changes.path("changed").get(0).asText()).isEqualTo("Heartbeat_A");
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_B", "b1")).statusCode()).isEqualTo(202);
            assertThat(vigil.getJson("/api/v1/monitors").path("monitors").get(0).path("thresholdMillis").asLong()).isEqualTo(10_000);

            Files.writeString(vigil.configFile, """
                    monitors:
                      - {eventName: Heartbeat_A, heartbeatInterval: -5s, missedHeartbeats: 0}
                    """);
            r = vigil.post("/api/v1/config/reload", "");
            assertThat(r.statusCode()).isEqualTo(422);
            JsonNode err = json(r.body());
            assertThat(err.path("errors").findValuesAsText("path"))
                    .contains("monitors[0].heartbeatInterval", "monitors[0].missedHeartbeats");
            assertThat(vigil.getJson("/api/v1/monitors").path("monitors").findValuesAsText("eventName"))
                    .containsExactly("Heartbeat_A", "Heartbeat_B");
            assertThat(vigil.getJson("/api/v1/status").path("state").asText()).isEqualTo("RUNNING");
        }
    }

    @Test
    void remoteConfigIsPolledAndARemovedEventNameClosesItsOpenAlarm() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(onap(2));
        HttpServer cbs = configService(served::get);
        String url = configUrl(cbs);
        try (RunningServer vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_vDNS, heartbeatInterval: 1s, missedHeartbeats: 1}
                config:
                  remote: {url: "%s", pollInterval: 300ms}
                publish:
                  - type: log
                """.formatted(url))) {
            // the poll replaces the file's monitor by the remote one (interval 1 s x 2 missed)
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/monitors").path("monitors").get(0).path("thresholdMillis").asLong() == 2000);
            vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "dns-1"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/events?since=5m").path("events").findValuesAsText("kind").contains("ONSET"));
            served.set("{\"heartbeat_config\":{\"vnfs\":[{\"eventName\":\"Heartbeat_vFW\",\"heartbeatcountmissed\":3,"
                    + "\"heartbeatinterval\":60,\"target_type\":\"VM\"}]}}");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/events?since=5m").path("events").findValuesAsText("kind").contains("ABATED"));
            assertThat(vigil.getJson("/api/v1/monitors").path("monitors").findValuesAsText("eventName")).containsExactly("Heartbeat_vFW");
            assertThat(vigil.getJson("/api/v1/sources").path("count").asInt()).isZero();
        } finally {
            cbs.stop(0);
        }
    }

    @Test
    void stateIsReconfigurationForTheWholeDownloadAndApply() throws Exception {
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean hold = new java.util.concurrent.atomic.AtomicBoolean(false);
        HttpServer cbs = configService(() -> {
            try {
                if (hold.get()) answer.await(30, java.util.concurrent.TimeUnit.SECONDS); // a slow config service
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return onap(2);
        });
        String url = configUrl(cbs);
        try (RunningServer vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_vDNS, heartbeatInterval: 1s, missedHeartbeats: 1}
                config:
                  remote: {url: "%s"}
                publish:
                  - type: log
                """.formatted(url))) {
            hold.set(true);
            var reload = java.util.concurrent.CompletableFuture.supplyAsync(() -> vigil.post("/api/v1/config/reload", ""));
            await().atMost(Duration.ofSeconds(20)).until(() -> vigil.getJson("/api/v1/status").path("state").asText().equals("RECONFIGURATION"));
            answer.countDown();
            assertThat(reload.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(vigil.getJson("/api/v1/status").path("state").asText()).isEqualTo("RUNNING");
        } finally {
            answer.countDown();
            cbs.stop(0);
        }
    }

    /** A config service stand-in answering {@code body} (asked at each request) at {@link #configUrl}. */
    private static HttpServer configService(java.util.function.Supplier<String> body) throws java.io.IOException {
        HttpServer cbs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        cbs.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        cbs.createContext("/service_component/heartbeat", ex -> {
            byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        cbs.start();
        return cbs;
    }

    private static String configUrl(HttpServer cbs) {
        return "http://127.0.0.1:" + cbs.getAddress().getPort() + "/service_component/heartbeat";
    }

    private static String onap(int missed) {
        return "{\"heartbeat_config\":\"{\\\"vnfs\\\":[{\\\"eventName\\\":\\\"Heartbeat_vDNS\\\",\\\"heartbeatcountmissed\\\":" + missed
                + ",\\\"heartbeatinterval\\\":1,\\\"closedLoopControlName\\\":\\\"CL1\\\",\\\"target_type\\\":\\\"VNF\\\"}]}\"}";
    }
}

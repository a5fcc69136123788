package io.vigil.ha;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.cli.VigilCli;
import io.vigil.server.RunningServer;
import io.vigil.store.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two in-process instances on one PostgreSQL database: what a standby answers and shows, how a reload reaches the
 * other instance, and a clean handover when the active stops.
 */
class StandbyInProcessTest {
    private static final String EVENT = HaCluster.EVENT;

    @TempDir
    Path dir;

    @Test
    void standbyForwardsHeartbeatsShowsTheActiveAndTakesOverAtOnceWhenTheActiveStops() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink()) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            RunningServer a = RunningServer.start(dir.resolve("a"), HaCluster.yaml(pg.url(), sink.url(), "vigil-a"));
            try (RunningServer b = RunningServer.start(dir.resolve("b"), HaCluster.yaml(pg.url(), sink.url(), "vigil-b"))) {
                // generous: two servers and PostgreSQL start in this JVM on a loaded machine
                await().atMost(Duration.ofSeconds(30)).until(() -> role(a).equals("ACTIVE") && role(b).equals("STANDBY"));
                JsonNode sa = a.getJson("/api/v1/status");
                JsonNode sb = b.getJson("/api/v1/status");
                assertThat(sb.path("activeId").asText()).isEqualTo("vigil-a");
                assertThat(sb.path("epoch").asLong()).isEqualTo(sa.path("epoch").asLong()).isPositive();
                assertThat(sb.path("leaseExpiresAt").asText()).isNotBlank();
                assertThat(sb.path("ha").path("activeUrl").asText()).isEqualTo("http://127.0.0.1:" + a.server.port());
                assertThat(b.get("/readyz").statusCode()).as("a standby that can forward is ready").isEqualTo(200);

                // a heartbeat sent to the standby is answered 202 only after the active's engine took it
                assertThat(b.post("/eventListener/v7", heartbeat(EVENT, "via-standby")).statusCode()).isEqualTo(202);
                assertThat(a.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).contains("via-standby");
                assertThat(b.getJson("/api/v1/sources").path("count").asInt()).isZero();
                // a bad body is answered by the active, through the standby, with the active's error
                assertThat(b.post("/eventListener/v7", "{not json").statusCode()).isEqualTo(400);

                String out = cli("ha", "status", "--server", b.url(""));
                assertThat(out).contains("role:      STANDBY").contains("active:    vigil-a").contains("epoch:");

                long epochA = sa.path("epoch").asLong();
                a.close(); // releases the lease: no need to wait for the TTL
                // generous for a loaded machine; that a released lease is free at once is LeaseRepositoryTest's
                await().atMost(Duration.ofSeconds(15)).until(() -> role(b).equals("ACTIVE"));
                assertThat(b.getJson("/api/v1/status").path("epoch").asLong()).isEqualTo(epochA + 1);
                assertThat(b.getJson("/api/v1/sources").path("sources").findValuesAsText("sourceName")).contains("via-standby");
                assertThat(b.post("/eventListener/v7", heartbeat(EVENT, "via-standby")).statusCode()).isEqualTo(202);
            } finally {
                a.close();
            }
        }
    }

    @Test
    void aReloadOnOneInstanceReachesTheOther() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink()) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            try (RunningServer a = RunningServer.start(dir.resolve("a"), HaCluster.yaml(pg.url(), sink.url(), "vigil-a"));
                 RunningServer b = RunningServer.start(dir.resolve("b"), HaCluster.yaml(pg.url(), sink.url(), "vigil-b"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> role(a).equals("ACTIVE") && role(b).equals("STANDBY"));
                // the standby's file gets a second monitor; a reload there reaches the active
                String more = HaCluster.yaml(pg.url(), sink.url(), "vigil-b").replace("monitors:\n", """
                        monitors:
                          - eventName: Heartbeat_added
                            heartbeatInterval: 5s
                            missedHeartbeats: 3
                        """);
                Files.writeString(b.configFile, more);
                assertThat(b.post("/api/v1/config/reload", "").statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                        a.getJson("/api/v1/monitors").path("monitors").findValuesAsText("eventName")).contains("Heartbeat_added", EVENT));
                // per-instance settings stay: A keeps its own id and port
                assertThat(a.getJson("/api/v1/status").path("instanceId").asText()).isEqualTo("vigil-a");
                assertThat(a.post("/eventListener/v7", heartbeat("Heartbeat_added", "new-kind")).statusCode()).isEqualTo(202);
            }
        }
    }

    /**
     * Both instances serve HTTPS and require client certificates: the standby forwards to the active's
     * {@code https://} URL, trusting {@code ha.tls.caFile} and presenting its own certificate.
     */
    @Test
    void aStandbyForwardsOverMutualTlsToTheActive() throws Exception {
        var cert = io.vigil.http.auth.TestCertificates.selfSigned(dir, "vigil", "localhost");
        var client = java.net.http.HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(io.vigil.http.auth.TestCertificates.context(cert, cert)).build();
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink()) {
            Files.createDirectories(dir.resolve("a"));
            Files.createDirectories(dir.resolve("b"));
            java.util.function.Function<String, String> yaml = id -> HaCluster.yaml(pg.url(), sink.url(), id)
                    .replace("http:\n  host: 127.0.0.1\n", "http:\n  host: 127.0.0.1\n  tls: {certFile: '" + cert.certFile()
                            + "', keyFile: '" + cert.keyFile() + "', clientCaFile: '" + cert.certFile() + "'}\n")
                    + "  tls: {caFile: '" + cert.certFile() + "'}\n";
            try (RunningServer a = RunningServer.start(dir.resolve("a"), yaml.apply("vigil-a"));
                 RunningServer b = RunningServer.start(dir.resolve("b"), yaml.apply("vigil-b"))) {
                String ua = "https://127.0.0.1:" + a.server.port();
                String ub = "https://127.0.0.1:" + b.server.port();
                await().atMost(Duration.ofSeconds(30)).until(() -> roleOver(client, ua).equals("ACTIVE")
                        && roleOver(client, ub).equals("STANDBY"));
                assertThat(RunningServer.json(getOver(client, ub + "/api/v1/status")).path("ha").path("activeUrl").asText())
                        .as("the advertised URL of an HTTPS port").isEqualTo(ua);

                var post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(ub + "/eventListener/v7"))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(heartbeat(EVENT, "over-tls"))).build();
                assertThat(client.send(post, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
                // forwarded, not kept: the active's engine has it when the standby answers (a kept one comes later)
                assertThat(RunningServer.json(getOver(client, ua + "/api/v1/sources")).path("sources")
                        .findValuesAsText("sourceName")).contains("over-tls");
                assertThat(getOver(client, ub + "/metrics")).containsPattern(
                        "vigil_ingest_heartbeats_total\\{channel=\"http\",result=\"forwarded\"} [1-9]");
            }
        }
    }

    private static String getOver(java.net.http.HttpClient client, String url) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String roleOver(java.net.http.HttpClient client, String base) {
        try {
            return RunningServer.json(getOver(client, base + "/api/v1/status")).path("role").asText();
        } catch (Exception e) {
            return "";
        }
    }

    private static String role(RunningServer s) {
        return s.getJson("/api/v1/status").path("role").asText();
    }

    private static String cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            assertThat(VigilCli.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(out);
        }
        return o.toString(StandardCharsets.UTF_8);
    }
}

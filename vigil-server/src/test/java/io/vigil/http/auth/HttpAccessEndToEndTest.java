package io.vigil.http.auth;

import io.vigil.access.ApiToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.cli.VigilCli;
import io.vigil.server.CapturedLog;
import io.vigil.server.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens, roles, the loopback-only default, the audit log and TLS, over real sockets. */
class HttpAccessEndToEndTest {
    private static final String MONITORS = """
            monitors:
              - {eventName: Heartbeat_auth, heartbeatInterval: 1m, missedHeartbeats: 3}
            publish: []
            """;
    private static final String TOKENS = """
              auth:
                user: ves
                password: ves-pw
                tokens:
                  - {name: sender, role: ingest, token: ingest-secret}
                  - {name: grafana, role: read, token: read-secret}
                  - {name: ops, role: admin, token: "sha256:%s"}
            """.formatted(java.util.HexFormat.of().formatHex(ApiToken.digest("admin-secret")));

    @TempDir
    Path dir;
    @TempDir
    static Path certDir;
    /** Made once (keytool takes a second or two each on a loaded machine). */
    static TestCertificates first, second, client;

    @org.junit.jupiter.api.BeforeAll
    static void certificates() throws Exception {
        first = TestCertificates.selfSigned(certDir, "server", "vigil-first");
        second = TestCertificates.selfSigned(certDir, "server2", "vigil-second");
        client = TestCertificates.selfSigned(certDir, "client", "vigil-client");
    }

    private static HttpResponse<String> send(HttpClient c, String method, String url, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (auth != null) b.header("Authorization", auth);
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String silence() {
        return "{\"matchers\": {\"sourceName\": \"x-*\"}, \"endsAt\": \"" + Instant.now().plus(Duration.ofHours(1)) + "\"}";
    }

    record Run(int exit, String out, String err) {
    }

    static synchronized Run cli(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = VigilCli.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void tokensDecideRolesAndEveryMutationIsAudited() throws Exception {
        try (CapturedLog audit = CapturedLog.of(AccessGate.AUDIT_LOGGER);
             RunningServer vigil = RunningServer.start(dir, MONITORS + "http:\n" + TOKENS);
             HttpClient c = HttpClient.newHttpClient()) {
            String hb = RunningServer.heartbeat("Heartbeat_auth", "s1");
            String basic = "Basic " + Base64.getEncoder().encodeToString("ves:ves-pw".getBytes(StandardCharsets.UTF_8));
            assertThat(send(c, "GET", vigil.url("/healthz"), null, null).statusCode()).isEqualTo(200);
            assertThat(send(c, "GET", vigil.url("/readyz"), null, null).statusCode()).isIn(200, 503);
            HttpResponse<String> noToken = send(c, "GET", vigil.url("/api/v1/status"), null, null);
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(RunningServer.json(noToken.body()).path("code").asText()).isEqualTo("unauthorized");
            assertThat(send(c, "GET", vigil.url("/api/v1/status"), "Bearer wrong", null).statusCode()).isEqualTo(401);
            assertThat(send(c, "GET", vigil.url("/api/v1/status"), "Bearer read-secret", null).statusCode()).isEqualTo(200);
            assertThat(send(c, "GET", vigil.url("/metrics"), "Bearer read-secret", null).statusCode()).isEqualTo(200);
            assertThat(send(c, "GET", vigil.url("/api/v1/status"), "Bearer ingest-secret", null).statusCode()).isEqualTo(403);

            HttpResponse<String> readMutates = send(c, "POST", vigil.url("/api/v1/silences"), "Bearer read-secret", silence());
            assertThat(readMutates.statusCode()).isEqualTo(403);
            assertThat(readMutates.body()).contains("grafana", "admin");
            assertThat(send(c, "POST", vigil.url("/api/v1/silences"), null, silence()).statusCode()).isEqualTo(401);
            assertThat(send(c, "POST", vigil.url("/api/v1/silences"), "Bearer admin-secret", silence()).statusCode()).isEqualTo(201);
            assertThat(send(c, "POST", vigil.url("/api/v1/config/reload"), "Bearer admin-secret", null).statusCode()).isEqualTo(200);

            assertThat(send(c, "POST", vigil.url("/eventListener/v7"), "Bearer ingest-secret", hb).statusCode()).isEqualTo(202);
            assertThat(send(c, "POST", vigil.url("/eventListener/v7"), basic, hb).statusCode()).isEqualTo(202);
            assertThat(send(c, "POST", vigil.url("/eventListener/v7"), null, hb).statusCode()).isEqualTo(401);
            assertThat(send(c, "POST", vigil.url("/eventListener/v7"), "Bearer read-secret", hb).statusCode()).isEqualTo(403);

            Run ok = cli("status", "--server", vigil.url(""), "--token", "read-secret");
            assertThat(ok.exit()).as(ok.err()).isZero();
            Run refused = cli("status", "--server", vigil.url(""));
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("401", "--token");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit.lines())
                    .anySatisfy(l -> assertThat(l).contains("who=ops", "from=127.0.0.1", "action=\"POST /api/v1/silences\"", "result=201"))
                    .anySatisfy(l -> assertThat(l).contains("who=grafana", "action=\"POST /api/v1/silences\"", "result=403"))
                    .anySatisfy(l -> assertThat(l).contains("who=unauthenticated", "result=401"))
                    .anySatisfy(l -> assertThat(l).contains("action=\"POST /api/v1/config/reload\"", "result=200")));
            assertThat(audit.lines()).noneMatch(l -> l.contains("secret"))
                    .noneMatch(l -> l.contains("GET ") || l.contains("/eventListener"));
            String metrics = send(c, "GET", vigil.url("/metrics"), "Bearer admin-secret", null).body();
            assertThat(metrics).contains("vigil_http_denied_total{status=\"401\"}", "vigil_http_denied_total{status=\"403\"}");
        }
    }

    @Test
    void withoutTokensMutationsAreRefusedToClientsNotTrustedAsLoopback() throws Exception {
        // trustLoopback: false makes this loopback test client an outsider, the way any non-loopback client is
        try (RunningServer vigil = RunningServer.start(dir, MONITORS + "http: {auth: {trustLoopback: false}}\n");
             HttpClient c = HttpClient.newHttpClient()) {
            HttpResponse<String> r = send(c, "POST", vigil.url("/api/v1/silences"), null, silence());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(RunningServer.json(r.body()).path("error").asText()).contains("http.auth.tokens");
            assertThat(send(c, "POST", vigil.url("/api/v1/config/reload"), null, null).statusCode()).isEqualTo(403);
            assertThat(send(c, "DELETE", vigil.url("/api/v1/silences/x"), null, null).statusCode()).isEqualTo(403);
            assertThat(send(c, "GET", vigil.url("/api/v1/silences"), null, null).statusCode()).isEqualTo(200);
            assertThat(send(c, "POST", vigil.url("/eventListener/v7"), null,
                    RunningServer.heartbeat("Heartbeat_auth", "s1")).statusCode()).isEqualTo(202);
        }
    }

    @Test
    void tlsServesCurlAndTheCliWithTheTestsCertificateAndReloadsChangedFiles() throws Exception {
        Path cert = dir.resolve("live-cert.pem"), key = dir.resolve("live-key.pem");
        Files.copy(first.certFile(), cert);
        Files.copy(first.keyFile(), key);
        String config = MONITORS + "http:\n" + TOKENS + "  tls: {certFile: '" + cert + "', keyFile: '" + key + "'}\n";
        try (RunningServer vigil = RunningServer.start(dir, config)) {
            String https = "https://127.0.0.1:" + vigil.server.port();
            try (HttpClient c = HttpClient.newBuilder().sslContext(TestCertificates.context(null, first, second)).build()) {
                assertThat(send(c, "GET", https + "/api/v1/status", "Bearer read-secret", null).statusCode()).isEqualTo(200);
            }
            assertThat(servedCertificate(vigil.server.port(), first, second).getSubjectX500Principal().getName()).contains("vigil-first");

            Run cli = cli("status", "--server", https, "--token", "read-secret", "--cacert", first.certFile().toString(), "--json");
            assertThat(cli.exit()).as(cli.err()).isZero();
            assertThat(cli.out()).contains("\"state\"");
            Run untrusted = cli("status", "--server", https, "--token", "read-secret");
            assertThat(untrusted.exit()).isEqualTo(1);

            if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
                Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--cacert", first.certFile().toString(),
                        "-H", "Authorization: Bearer read-secret", "-o", "/dev/null", "-w", "%{http_code}", https + "/api/v1/status")
                        .redirectErrorStream(true).start();
                String out = new String(curl.getInputStream().readAllBytes()).trim();
                assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(out).isEqualTo("200");
            }

            // renew in place: the key first, then the certificate (a moment where they do not match is survived)
            Files.copy(second.keyFile(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.certFile(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(servedCertificate(vigil.server.port(), first, second).getSubjectX500Principal().getName()).contains("vigil-second"));
        }
    }

    @Test
    void clientCaFileRequiresAClientCertificate() throws Exception {
        TestCertificates server = first;
        TestCertificates stranger = second; // a certificate the client CA file does not hold
        String config = MONITORS + "http:\n  tls: {certFile: '" + server.certFile() + "', keyFile: '" + server.keyFile()
                + "', clientCaFile: '" + client.certFile() + "'}\n";
        try (RunningServer vigil = RunningServer.start(dir, config)) {
            String url = "https://127.0.0.1:" + vigil.server.port() + "/api/v1/status";
            try (HttpClient c = HttpClient.newBuilder().sslContext(TestCertificates.context(client, server)).build()) {
                assertThat(send(c, "GET", url, null, null).statusCode()).isEqualTo(200);
            }
            for (TestCertificates who : java.util.Arrays.asList(null, stranger)) {
                try (HttpClient c = HttpClient.newBuilder().sslContext(TestCertificates.context(who, server)).build()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> send(c, "GET", url, null, null))
                            .isInstanceOf(java.io.IOException.class);
                }
            }
            if (Files.isExecutable(Path.of("/usr/bin/curl"))) {
                Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", "--cacert", server.certFile().toString(),
                        "--cert", client.certFile().toString(), "--key", client.keyFile().toString(),
                        "-o", "/dev/null", "-w", "%{http_code}", url).redirectErrorStream(true).start();
                String out = new String(curl.getInputStream().readAllBytes()).trim();
                assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(out).isEqualTo("200");
            }
        }
    }

    @Test
    void aWebhookOverHttpsWithAPrivateCaIsDeliveredWhenPublishTlsCaFileTrustsIt() throws Exception {
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        var https = com.sun.net.httpserver.HttpsServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(first.pkcs12())) {
            ks.load(in, "changeit".toCharArray());
        }
        var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
        https.createContext("/alarms", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        https.start();
        String config = """
                monitors:
                  - {eventName: Heartbeat_auth, heartbeatInterval: 300ms, missedHeartbeats: 2, timeBase: arrival}
                publish:
                  - {type: webhook, url: 'https://127.0.0.1:%d/alarms', tls: {caFile: '%s'}}
                """.formatted(https.getAddress().getPort(), first.certFile());
        try (RunningServer vigil = RunningServer.start(dir, config)) {
            assertThat(vigil.post("/eventListener/v7", RunningServer.heartbeat("Heartbeat_auth", "tls-1")).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> received.stream().anyMatch(b -> b.contains("tls-1") && b.contains("ONSET")));
        } finally {
            https.stop(0);
        }
    }

    /** The certificate a new TLS connection to the port is served. */
    private static X509Certificate servedCertificate(int port, TestCertificates... trusted) throws Exception {
        SSLContext ctx = TestCertificates.context(null, trusted);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        } catch (SSLHandshakeException e) {
            throw new AssertionError("handshake failed: " + e.getMessage(), e);
        }
    }

}

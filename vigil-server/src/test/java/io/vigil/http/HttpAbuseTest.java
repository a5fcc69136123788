package io.vigil.http;

import static io.vigil.server.RunningServer.heartbeat;
import static io.vigil.server.RunningServer.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.server.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Abuse of the HTTP port over raw sockets (issue 19.1, 19.9, 19.12, 19.15): idle and trickling connections cannot
 * use up the descriptors or lock out health checks, an oversized chunked body is cut off at the limit, lenient JSON
 * is refused on the REST API too, and store errors never show the caller a JDBC URL or SQL.
 */
class HttpAbuseTest {
    private static final int MAX_CONNECTIONS = 20;
    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                http:
                  maxBodyBytes: 4096
                  maxConnections: %d
                  headerTimeout: 3s
                monitors:
                  - eventName: Heartbeat_vDNS
                    heartbeatInterval: 1m
                publish:
                  - type: log
                """.formatted(MAX_CONNECTIONS));
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", vigil.server.port());
        s.setSoTimeout(15_000);
        return s;
    }

    /** Sends {@code request} on a new connection and reads the whole answer (the server closes or we time out). */
    private String exchange(String request) throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return readAnswer(s.getInputStream());
        }
    }

    /** Reads the status line and headers, then Content-Length bytes of body. */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) break;
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: vigil\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private static double meter(String name) {
        var m = vigil.server.registry().find(name).meter();
        return m == null ? -1 : m.measure().iterator().next().getValue();
    }

    @Test
    void idleConnectionsPastTheCapLeaveHealthChecksServedAndAreClosedByTheHeaderTimeout() throws Exception {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS + 10; i++) idle.add(connect());
            await().atMost(Duration.ofSeconds(10)).until(() -> meter("vigil_http_connections") >= MAX_CONNECTIONS);
            // the port is full of silent clients: health checks still get through, ingest is told to come back
            String health = exchange("GET /healthz HTTP/1.1\r\nHost: vigil\r\n\r\n");
            assertThat(health).startsWith("HTTP/1.1 200").contains("\"UP\"");
            String ingest = exchange(post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "crowded")));
            assertThat(ingest).startsWith("HTTP/1.1 503").contains("too_many_connections", "http.maxConnections (20)");
            assertThat(meter("vigil_http_connections_refused_total")).isGreaterThanOrEqualTo(10);
            // none of them sent a request line within http.headerTimeout (3 s): every one is closed by the server
            for (Socket s : idle) s.setSoTimeout(200);
            await().atMost(Duration.ofSeconds(20)).until(() -> idle.stream().allMatch(HttpAbuseTest::closedByServer));
            assertThat(meter("vigil_http_header_timeouts_total")).isGreaterThanOrEqualTo(MAX_CONNECTIONS);
        } finally {
            for (Socket s : idle) s.close();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(exchange(post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "after")))).startsWith("HTTP/1.1 202"));
    }

    @Test
    void aClientTricklingItsHeadersIsClosedAfterTheHeaderTimeout() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("POST /eventListener/v7 HTTP/1.1\r\nHost: vigil\r\n".getBytes(StandardCharsets.UTF_8));
            s.setSoTimeout(250);
            long start = System.nanoTime();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < 30_000_000_000L) {
                try {
                    out.write('X'); // one byte of a header name now and then: never idle, never complete
                    out.flush();
                } catch (SocketException e) {
                    closed = true;
                    break;
                }
                closed = closedByServer(s);
            }
            assertThat(closed).as("closed by the server within the 30 s we kept trickling").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void aChunkedBodyOverTheLimitIsAnswered413AsSoonAsTheLimitIsCrossedAndTheConnectionClosed() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write("POST /eventListener/v7 HTTP/1.1\r\nHost: vigil\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 8; i++) out.write(chunk); // 8 KiB of a 4 KiB limit, and the body never ends
            out.flush();
            String answer = readAnswer(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 413").contains("too_large", "http.maxBodyBytes (4096 bytes)");
            assertThat(closedByServer(s)).as("the connection is closed, the rest of the body is not read").isTrue();
        }
    }

    @Test
    void lenientJsonIsRefusedByTheRestApiToo() {
        HttpResponse<String> twice = vigil.post("/api/v1/silences",
                "{\"matchers\":{\"sourceName\":\"a\"},\"matchers\":{\"sourceName\":\"*\"},\"endsAt\":\"2030-01-01T00:00:00Z\"}");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(json(twice.body()).path("error").asText()).contains("Duplicate field 'matchers'");
        HttpResponse<String> trailing = vigil.post("/api/v1/silences",
                "{\"matchers\":{\"sourceName\":\"a\"},\"endsAt\":\"2030-01-01T00:00:00Z\"} {\"x\":1}");
        assertThat(trailing.statusCode()).isEqualTo(400);
    }

    @Test
    void storeErrorsReachTheCallerWithoutJdbcUrlOrSqlButWithAnErrorId() throws Exception {
        var db = vigil.server.database();
        db.withConnection(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER TABLE outbox RENAME TO outbox_hidden");
            }
            return null;
        });
        try {
            HttpResponse<String> r = vigil.get("/api/v1/events?since=5m");
            assertThat(r.statusCode()).isEqualTo(503);
            var body = json(r.body());
            assertThat(body.path("code").asText()).isEqualTo("unavailable");
            assertThat(body.path("errorId").asText()).matches("[0-9a-f]+");
            assertThat(body.path("error").asText()).endsWith("details are in the server log under error id " + body.path("errorId").asText());
            assertThat(r.body().toLowerCase()).doesNotContain("jdbc", "select", "outbox", "h2", "sql");
        } finally {
            db.withConnection(c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE outbox_hidden RENAME TO outbox");
                }
                return null;
            });
        }
    }

    @Test
    void theConnectionCapStaysBelowTheOpenFileLimit() {
        assertThat(ConnectionGuard.effectiveMax(10_000, 20_000)).isEqualTo(10_000);
        assertThat(ConnectionGuard.effectiveMax(10_000, 1024)).isEqualTo(1024 - ConnectionGuard.FD_RESERVE);
        assertThat(ConnectionGuard.effectiveMax(10_000, -1)).as("limit unknown").isEqualTo(10_000);
        assertThat(ConnectionGuard.effectiveMax(10, 100)).isEqualTo(1);
    }
}

package io.vigil.ha;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code vigil serve} in its own JVM (the test classpath and main class {@code io.vigil.cli.VigilCli}, i.e.
 * what the fat jar runs), so that tests can kill -9, SIGSTOP and SIGCONT it. Its output goes to {@code <dir>/log}.
 */
final class VigilProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    final int port;
    final Path log;
    private final Process process;

    private VigilProcess(String id, int port, Path log, Process process) {
        this.id = id;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /** Starts {@code vigil serve --config <dir>/vigil.yaml --port <free>} with {@code yaml}. */
    static VigilProcess start(Path dir, String id, String yaml) throws IOException {
        return start(dir, id, "vigil.yaml", yaml, port -> java.util.Map.of());
    }

    /**
     * Starts {@code vigil serve --config <dir>/<configName> --port <free>} with {@code content}, and the environment
     * variables {@code env} gives for the chosen port.
     */
    static VigilProcess start(Path dir, String id, String configName, String content,
                              java.util.function.IntFunction<java.util.Map<String, String>> env) throws IOException {
        Files.createDirectories(dir);
        Path config = dir.resolve(configName);
        Files.writeString(config, content);
        Path logback = dir.resolve("logback.xml");
        Files.writeString(logback, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} %msg%n</pattern></encoder>
                  </appender>
                  <logger name="io.vigil" level="INFO"/>
                  <root level="WARN"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        int port = freePort();
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                "io.vigil.cli.VigilCli", "serve", "--config", config.toString(), "--port", Integer.toString(port),
                "--data-dir", dir.resolve("data").toString());
        Path log = dir.resolve("log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env.apply(port));
        Process p = pb.start();
        return new VigilProcess(id, port, log, p);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** GET {@code path}, or empty if the process does not answer within a second. */
    private Optional<HttpResponse<String>> get(String path) {
        try {
            return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(1)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> json(HttpResponse<String> r) {
        try {
            return Optional.of(Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** GET /api/v1/status, or empty if the process does not answer 200 within a second. */
    Optional<JsonNode> status() {
        return get("/api/v1/status").filter(r -> r.statusCode() == 200).flatMap(VigilProcess::json);
    }

    /** GET {@code path}: its status code, or -1 when the process does not answer within a second. */
    int statusOf(String path) {
        return get(path).map(HttpResponse::statusCode).orElse(-1);
    }

    /** GET {@code path} as JSON (whatever its status), or empty. */
    Optional<JsonNode> getJson(String path) {
        return get(path).flatMap(VigilProcess::json);
    }

    String role() {
        return status().map(s -> s.path("role").asText()).orElse("DOWN");
    }

    /** POSTs one VES heartbeat of {@code source}; returns the HTTP status, or -1 when the process did not answer. */
    int heartbeat(String eventName, String source) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url("/eventListener/v7"))).timeout(Duration.ofSeconds(2))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(io.vigil.server.RunningServer.heartbeat(eventName, source))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** The last {@code lines} lines of the process's output. */
    String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * What a test prints when a wait on these processes times out: per process whether it runs, its role and HA
     * section of /api/v1/status, and the tail of its log, so that a failure on a CI machine can be read afterwards.
     */
    static String describe(List<VigilProcess> processes, int logLines) {
        StringBuilder out = new StringBuilder();
        for (VigilProcess p : processes) {
            out.append("\n--- ").append(p.id).append(" (pid ").append(p.pid()).append(", port ").append(p.port)
                    .append(p.isAlive() ? ", running" : ", EXITED " + p.process.exitValue()).append(") status.ha: ")
                    .append(p.status().map(s -> s.path("role").asText() + " " + s.path("ha")).orElse("no answer"))
                    .append("\n").append(p.logTail(logLines));
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        if (!process.isAlive()) return;
        signal("CONT"); // a stopped process cannot handle SIGTERM
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) kill9();
    }
}

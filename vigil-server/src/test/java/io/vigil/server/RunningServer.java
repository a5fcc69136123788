package io.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.http.Json;
import io.vigil.http.openapi.OpenApiContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real Vigil server started in-process for a test, reached over a real socket. */
public final class RunningServer implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public final VigilServer server;
    public final Path dataDir;
    public final Path configFile;

    private RunningServer(VigilServer server, Path dataDir, Path configFile) {
        this.server = server;
        this.dataDir = dataDir;
        this.configFile = configFile;
    }

    /** Writes {@code config} (YAML or ONAP JSON) to a file in {@code dir}, then starts a server on a free port. */
    public static RunningServer start(Path dir, String config) throws Exception {
        Path file = dir.resolve(config.trim().startsWith("{") ? "config.json" : "config.yaml");
        Files.writeString(file, config);
        VigilConfig c = ConfigLoader.load(file);
        c = c.withHttp(c.http().withPort(0));
        return new RunningServer(VigilServer.start(new ServerOptions(c, file, dir.resolve("data"), false)), dir.resolve("data"), file);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    public HttpResponse<String> post(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    public JsonNode getJson(String path) {
        HttpResponse<String> r = get(path);
        if (r.statusCode() != 200) throw new AssertionError("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        return json(r.body());
    }

    /** The events an events endpoint lists (e.g. {@code /api/v1/events/held?since=5m}) as "sourceName:kind", in order. */
    public List<String> sourceKinds(String eventsPath) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : getJson(eventsPath).path("events")) {
            out.add(e.path("sourceName").asText() + ":" + e.path("kind").asText());
        }
        return out;
    }

    public static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends a request and checks the answer against the OpenAPI document when its path is documented: a 2xx must be
     * a documented status with a body matching its schema; any JSON error must have the API's error shape.
     */
    public static HttpResponse<String> send(HttpRequest req) {
        HttpResponse<String> r = sendUnchecked(req);
        OpenApiContract contract = OpenApiContract.bundled();
        String path = req.uri().getPath();
        if (contract.operation(req.method(), path) != null) {
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (r.statusCode() / 100 == 2) {
                contract.check(req.method(), path, r.statusCode(), type, r.body());
            } else if (type.startsWith("application/json")) {
                List<String> v = contract.violationsOf(json(r.body()), "Error");
                if (!v.isEmpty()) throw new AssertionError(req.method() + " " + path + " → " + r.statusCode()
                        + ": the error body does not have the API's error shape: " + v + "; body: " + r.body());
            }
        }
        return r;
    }

    /** Sends a request; no check of the answer (for a test that sends what the API must reject or is not Vigil). */
    public static HttpResponse<String> sendUnchecked(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A VES 7 heartbeat of {@code source} stamped now. */
    public static String heartbeat(String eventName, String source) {
        return "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"" + eventName
                + "\",\"sourceName\":\"" + source + "\",\"lastEpochMicrosec\":" + System.currentTimeMillis() * 1000
                + ",\"version\":\"4.0.1\",\"vesEventListenerVersion\":\"7.0.1\"},\"heartbeatFields\":{\"heartbeatFieldsVersion\":\"3.0\",\"heartbeatInterval\":1}}}";
    }

    @Override
    public void close() {
        server.close();
    }
}

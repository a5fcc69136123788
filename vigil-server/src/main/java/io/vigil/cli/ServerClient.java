package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Options and calls shared by the client subcommands ({@code status}, {@code sources}, ...). */
public final class ServerClient {
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    @Option(names = {"-s", "--server"}, paramLabel = "URL",
            description = "Vigil server (default: env VIGIL_SERVER, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--json", description = "print the server's JSON answer")
    boolean json;

    public String base() {
        String s = server != null ? server : System.getenv().getOrDefault("VIGIL_SERVER", DEFAULT_SERVER);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** A failed call, with the message to print; exit code 1. */
    public static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message);
        }
    }

    public JsonNode get(String pathAndQuery) throws CallFailed {
        return call(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET());
    }

    public JsonNode post(String path) throws CallFailed {
        return call(HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private JsonNode call(HttpRequest.Builder b) throws CallFailed {
        HttpRequest req = b.timeout(Duration.ofSeconds(30)).build();
        try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body().isBlank() ? Json.object() : Json.MAPPER.readTree(r.body());
            if (r.statusCode() >= 400) {
                throw new CallFailed("server answered " + r.statusCode() + ": " + (body.has("error") ? body.get("error").asText() : r.body()));
            }
            return body;
        } catch (ConnectException e) {
            throw new CallFailed("cannot reach Vigil at " + base() + " (is it running? set --server or VIGIL_SERVER)");
        } catch (IOException e) {
            throw new CallFailed("call to " + req.uri() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CallFailed("interrupted");
        }
    }

    public boolean json() {
        return json;
    }
}

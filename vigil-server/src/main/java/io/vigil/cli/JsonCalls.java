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

/**
 * JSON calls with a body (POST, DELETE) for the pull side's commands, against the server that {@link ServerClient}
 * names. A 4xx answer is a {@link Rejected} (exit code 2), anything else that fails is a
 * {@link ServerClient.CallFailed} (exit code 1).
 */
final class JsonCalls {
    private JsonCalls() {
    }

    /** The server refused the request as invalid (4xx). */
    static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    static JsonNode get(ServerClient client, String path) throws ServerClient.CallFailed, Rejected {
        return send(client, HttpRequest.newBuilder(URI.create(client.base() + path)).GET());
    }

    static JsonNode post(ServerClient client, String path, String json) throws ServerClient.CallFailed, Rejected {
        return send(client, HttpRequest.newBuilder(URI.create(client.base() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode delete(ServerClient client, String path) throws ServerClient.CallFailed, Rejected {
        return send(client, HttpRequest.newBuilder(URI.create(client.base() + path)).DELETE());
    }

    private static JsonNode send(ServerClient client, HttpRequest.Builder b) throws ServerClient.CallFailed, Rejected {
        HttpRequest req = client.authorize(b).timeout(Duration.ofSeconds(120)).build();
        try (HttpClient c = client.newHttpClient()) {
            HttpResponse<String> r = c.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isBlank() ? Json.object() : Json.MAPPER.readTree(r.body());
            } catch (IOException notJson) {
                throw new ServerClient.CallFailed("server answered " + r.statusCode() + " with a body that is not JSON: " + r.body());
            }
            String message = body.has("error") ? body.get("error").asText() : r.body();
            if (r.statusCode() == 404 && !body.has("code")) throw new ServerClient.CallFailed("server answered 404: " + message);
            if (r.statusCode() == 401 || r.statusCode() == 403)
                throw new ServerClient.CallFailed("server answered " + r.statusCode() + ": " + message + ServerClient.hint(r.statusCode()));
            if (r.statusCode() >= 400 && r.statusCode() < 500) throw new Rejected("server answered " + r.statusCode() + ": " + message);
            if (r.statusCode() >= 500) throw new ServerClient.CallFailed("server answered " + r.statusCode() + ": " + message);
            return body;
        } catch (ConnectException e) {
            throw new ServerClient.CallFailed("cannot reach Vigil at " + client.base() + " (is it running? set --server or VIGIL_SERVER)");
        } catch (IOException e) {
            throw new ServerClient.CallFailed("call to " + req.uri() + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerClient.CallFailed("interrupted");
        }
    }

    /** Runs a call and prints its answer as pretty JSON; returns the exit code. */
    static int print(Call call) {
        try {
            System.out.println(Json.pretty(call.run()));
            return 0;
        } catch (Rejected e) {
            System.err.println("vigil: " + e.getMessage());
            return 2;
        } catch (ServerClient.CallFailed e) {
            System.err.println("vigil: " + e.getMessage());
            return 1;
        }
    }

    @FunctionalInterface
    interface Call {
        JsonNode run() throws ServerClient.CallFailed, Rejected;
    }
}

package io.vigil.collect.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.collect.CollectJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The collector RPC over HTTP/JSON (documented in docs/collect.md):
 * <ul>
 *   <li>{@code POST /rpc/get_all} and {@code POST /rpc/get_changes} with {@code {"datasource_names":["a","b"]}} (or
 *       {@code "datasources"}; absent or empty: all) answer 200 with {@link RpcResult#toJson()}; an unknown parameter, an unknown datasource or a malformed body answers 400
 *       {@code {"error","code"}}.</li>
 *   <li>{@code GET /rpc/datasources} answers {@code {"collector","datasources":[...]}}.</li>
 * </ul>
 * Runs on a Vert.x event loop and never blocks it. Used by {@code vigil collector} and inside {@code vigil serve}.
 */
public final class CollectorRpcHandler {
    static final int MAX_BODY = 1 << 20;
    private final CollectorService service;

    public CollectorRpcHandler(CollectorService service) {
        this.service = service;
    }

    /** Handles the request and returns true when its path is an RPC path; false (untouched) otherwise. */
    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/rpc/get_all", "/rpc/get_changes" -> {
                if (req.method() != HttpMethod.POST) {
                    error(req, 405, "method_not_allowed", "use POST " + path);
                    return true;
                }
                req.body().onComplete(ar -> {
                    if (ar.failed()) {
                        error(req, 400, "bad_request", "cannot read the body: " + ar.cause().getMessage());
                        return;
                    }
                    if (ar.result().length() > MAX_BODY) {
                        error(req, 413, "too_large", "body larger than " + MAX_BODY + " bytes");
                        return;
                    }
                    call(req, path.endsWith("get_all"), ar.result().toString());
                });
                return true;
            }
            case "/rpc/datasources" -> {
                json(req, 200, datasources());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    /** The {@code GET /rpc/datasources} answer: {@code {"collector","datasources":[...]}}. */
    public ObjectNode datasources() {
        ObjectNode n = CollectJson.object().put("collector", service.id());
        ArrayNode a = n.putArray("datasources");
        service.datasourceNames().forEach(a::add);
        return n;
    }

    /**
     * A get_all ({@code all}) or get_changes call with a request body {@code {"datasource_names":[...]}}.
     *
     * @throws IllegalArgumentException when the body is malformed or names an unknown parameter or datasource (400)
     */
    public CompletionStage<RpcResult> call(boolean all, String body) {
        List<String> names = datasources(body);
        return all ? service.getAll(names) : service.getChanges(names);
    }

    /** The HTTP answer of a finished call: 200 with the result, 503 when the event queue is full, else 500. */
    public static Answer answer(RpcResult r, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof EventQueueFullException) return new Answer(503, error("event_queue_full", cause.getMessage()));
        if (e != null) return new Answer(500, error("collect_failed", e.getMessage()));
        return new Answer(200, r.toJson());
    }

    /** An HTTP status and its JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    private void call(HttpServerRequest req, boolean all, String body) {
        try {
            call(all, body).whenComplete((r, e) -> {
                Answer a = answer(r, e);
                json(req, a.status(), a.body());
            });
        } catch (IllegalArgumentException e) {
            error(req, 400, "bad_request", e.getMessage());
        }
    }

    /** The parameters a get_all / get_changes body may carry: Vigil's name and the original's. */
    static final List<String> PARAMETERS = List.of("datasources", "datasource_names");

    /**
     * The datasource names of a request body: {@code datasources} or {@code datasource_names} (the name Vitrage's
     * collector RPC uses; both may be given only when they agree). An empty body, absent keys or an empty list mean
     * every datasource. Any other key is an error, so a misspelt parameter never silently means "all".
     */
    static List<String> datasources(String body) {
        if (body == null || body.isBlank()) return List.of();
        JsonNode n = CollectJson.read(body);
        if (!n.isObject()) throw new IllegalArgumentException("body must be a JSON object like {\"datasource_names\":[\"local\"]}");
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!PARAMETERS.contains(key))
                throw new IllegalArgumentException("unknown parameter \"" + key + "\"; get_all and get_changes take "
                        + "\"datasource_names\" (or \"datasources\"): a list of datasource names");
        }
        List<String> vigil = names(n, "datasources");
        List<String> original = names(n, "datasource_names");
        if (vigil != null && original != null && !vigil.equals(original))
            throw new IllegalArgumentException("\"datasources\" and \"datasource_names\" disagree; give one of them");
        List<String> out = original != null ? original : vigil;
        return out == null ? List.of() : out;
    }

    private static List<String> names(JsonNode body, String key) {
        JsonNode ds = body.get(key);
        if (ds == null || ds.isNull()) return null;
        if (!ds.isArray()) throw new IllegalArgumentException("\"" + key + "\" must be a list of datasource names");
        List<String> out = new ArrayList<>();
        for (JsonNode d : ds) {
            if (!d.isTextual()) throw new IllegalArgumentException("\"" + key + "\" must hold names (text), got " + d);
            out.add(d.asText());
        }
        return out;
    }

    static void json(HttpServerRequest req, int status, JsonNode body) {
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(CollectJson.write(body));
    }

    static void error(HttpServerRequest req, int status, String code, String message) {
        json(req, status, error(code, message));
    }

    private static ObjectNode error(String code, String message) {
        return CollectJson.object().put("error", message).put("code", code);
    }
}

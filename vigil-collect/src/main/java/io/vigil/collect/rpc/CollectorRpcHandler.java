package io.vigil.collect.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.collect.CollectJson;
import java.util.ArrayList;
import java.util.List;

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
                ObjectNode n = CollectJson.object().put("collector", service.id());
                ArrayNode a = n.putArray("datasources");
                service.datasourceNames().forEach(a::add);
                json(req, 200, n);
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void call(HttpServerRequest req, boolean all, String body) {
        List<String> names;
        try {
            names = datasources(body);
            var stage = all ? service.getAll(names) : service.getChanges(names);
            stage.whenComplete((r, e) -> {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof EventQueueFullException) error(req, 503, "event_queue_full", cause.getMessage());
                else if (e != null) error(req, 500, "collect_failed", e.getMessage());
                else json(req, 200, r.toJson());
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
        json(req, status, CollectJson.object().put("error", message).put("code", code));
    }
}

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
 *   <li>{@code POST /rpc/get_all} and {@code POST /rpc/get_changes} with {@code {"datasources":["a","b"]}} (absent or
 *       empty: all) answer 200 with {@link RpcResult#toJson()}; an unknown datasource or a malformed body answers 400
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
                if (e != null) error(req, 500, "collect_failed", e.getMessage());
                else json(req, 200, r.toJson());
            });
        } catch (IllegalArgumentException e) {
            error(req, 400, "bad_request", e.getMessage());
        }
    }

    /** The {@code datasources} list of a request body; empty body or missing key = every datasource. */
    static List<String> datasources(String body) {
        if (body == null || body.isBlank()) return List.of();
        JsonNode n = CollectJson.read(body);
        if (!n.isObject()) throw new IllegalArgumentException("body must be a JSON object like {\"datasources\":[\"local\"]}");
        JsonNode ds = n.get("datasources");
        if (ds == null || ds.isNull()) return List.of();
        if (!ds.isArray()) throw new IllegalArgumentException("\"datasources\" must be a list of datasource names");
        List<String> out = new ArrayList<>();
        for (JsonNode d : ds) {
            if (!d.isTextual()) throw new IllegalArgumentException("\"datasources\" must hold names (text), got " + d);
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

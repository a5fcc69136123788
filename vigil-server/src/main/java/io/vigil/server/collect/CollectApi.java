package io.vigil.server.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.collect.coordinator.CollectEngine;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.snapshot.CollectCommand;
import io.vigil.collect.rpc.CollectorRpcHandler;
import io.vigil.http.ApiExtension;
import io.vigil.http.Json;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The pull side's HTTP endpoints inside {@code vigil serve} (docs/collect.md):
 * <ul>
 *   <li>{@code GET /api/v1/heartbeat?group=&type=&refresh=true&format=clmgr}: the last global heartbeat (refresh: a get_all now)</li>
 *   <li>{@code POST /api/v1/command}: the JSON command form ({@link CollectCommand}: heartbeat, ping, status at
 *       levels instances and services, {@code "format":"clmgr"} for clmgr's document shape)</li>
 *   <li>{@code GET /api/v1/collect}: engine figures and the collectors' health</li>
 *   <li>{@code /api/v1/actions/...}: delayed actions and plans ({@link ActionsApi})</li>
 *   <li>{@code POST /rpc/get_all}, {@code /rpc/get_changes}: the in-process collector's RPC</li>
 * </ul>
 * Never blocks the event loop: store work runs on worker threads, refreshes complete asynchronously.
 */
public final class CollectApi implements ApiExtension, AutoCloseable {
    private final CollectRuntime runtime;
    private final CollectorRpcHandler rpc;
    private final ActionsApi actions;

    public CollectApi(io.vertx.core.Vertx vertx, CollectRuntime runtime, ActionsApi actions) {
        this.runtime = runtime;
        this.rpc = runtime.localCollector() == null ? null : new CollectorRpcHandler(runtime.localCollector());
        this.actions = actions;
    }

    @Override
    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        if (path.startsWith("/rpc/")) return rpc != null && rpc.handle(req);
        if (actions != null && path.startsWith("/api/v1/actions")) return actions.handle(req);
        switch (path) {
            case "/api/v1/heartbeat" -> {
                if (req.method() != HttpMethod.GET) {
                    error(req, 405, "method_not_allowed", "use GET /api/v1/heartbeat[?group=G&type=T&refresh=true]");
                    return true;
                }
                boolean refresh = "true".equalsIgnoreCase(req.getParam("refresh")) || "1".equals(req.getParam("refresh"));
                String format = req.getParam("format");
                if (format != null && !format.equals("vigil") && !format.equals("clmgr")) {
                    error(req, 400, "bad_request", "format must be vigil (default) or clmgr, got \"" + format + "\"");
                    return true;
                }
                if ("clmgr".equals(format)) {
                    answer(req, new CollectCommand(CollectCommand.Level.INSTANCES, CollectCommand.Action.HEARTBEAT,
                            orAll(req.getParam("group")), orAll(req.getParam("type")).toLowerCase(Locale.ROOT), true, refresh));
                    return true;
                }
                answerHeartbeat(req, req.getParam("group"), req.getParam("type"), refresh);
                return true;
            }
            case "/api/v1/command" -> {
                if (req.method() != HttpMethod.POST) {
                    error(req, 405, "method_not_allowed", "use POST /api/v1/command with a JSON command");
                    return true;
                }
                req.body().onComplete(ar -> {
                    if (ar.failed()) error(req, 400, "bad_request", "cannot read the body: " + ar.cause().getMessage());
                    else command(req, ar.result().toString());
                });
                return true;
            }
            case "/api/v1/collect" -> {
                json(req, 200, status());
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void command(HttpServerRequest req, String body) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            error(req, 400, "malformed", "malformed JSON command: " + e.getMessage());
            return;
        }
        CollectCommand command;
        try {
            command = CollectCommand.parse(n);
        } catch (IllegalArgumentException e) {
            error(req, 400, "unknown_command", e.getMessage() + "; e.g. " + CollectCommand.EXAMPLE);
            return;
        }
        answer(req, command);
    }

    /** Answers a command, after a collection round when it asks for one (ping, refresh). */
    private void answer(HttpServerRequest req, CollectCommand command) {
        CollectEngine engine = runtime.engine();
        Supplier<ObjectNode> doc = () -> {
            CollectEngine.Stats s = engine.stats();
            return command.answer(engine.entities(), engine.roundAtMillis(), s.round());
        };
        if (!command.collectFirst()) {
            json(req, 200, doc.get());
            return;
        }
        engine.refresh().whenComplete((v, e) -> {
            if (e != null) error(req, 503, "collect_failed", "the collection round (get_all) failed: " + e.getMessage());
            else json(req, 200, doc.get());
        });
    }

    private void answerHeartbeat(HttpServerRequest req, String group, String type, boolean refresh) {
        CollectEngine engine = runtime.engine();
        Supplier<ObjectNode> doc = () -> engine.heartbeat(group, type == null ? null : type.toLowerCase(Locale.ROOT));
        if (!refresh) {
            json(req, 200, doc.get());
            return;
        }
        CompletableFuture<Void> f = engine.refresh();
        f.whenComplete((v, e) -> {
            if (e != null) json(req, 503, io.vigil.http.HiddenErrors.report("collect_failed", "the refresh (get_all) failed", e));
            else json(req, 200, doc.get());
        });
    }

    private static String orAll(String v) {
        return v == null || v.isBlank() ? "all" : v;
    }

    private ObjectNode status() {
        CollectEngine.Stats s = runtime.engine().stats();
        ObjectNode n = Json.object();
        n.set("engine", Json.MAPPER.valueToTree(s));
        ArrayNode cs = n.putArray("collectors");
        for (CollectorPool.Status c : runtime.engine().pool().status()) cs.add(Json.MAPPER.valueToTree(c));
        ArrayNode ds = n.putArray("datasources");
        runtime.settings().datasourceNames().forEach(ds::add);
        return n;
    }

    static void json(HttpServerRequest req, int status, JsonNode body) {
        if (req.response().ended()) return;
        req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    static void error(HttpServerRequest req, int status, String code, String message) {
        json(req, status, Json.error(code, message));
    }

    @Override
    public void close() {
        if (actions != null) actions.close();
        runtime.close();
    }
}

package io.vigil.server.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;
import io.vigil.collect.coordinator.CollectEngine;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.rpc.CollectorRpcHandler;
import io.vigil.collect.snapshot.CollectCommand;
import io.vigil.http.Answer;
import io.vigil.http.ApiRoutes;
import io.vigil.http.HiddenErrors;
import io.vigil.http.Json;
import io.vigil.http.RouteTable;
import java.util.List;
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
 *   <li>{@code POST /rpc/get_all}, {@code /rpc/get_changes}, {@code GET /rpc/datasources}: the in-process collector's
 *       RPC</li>
 * </ul>
 * Never blocks the event loop: store work runs on worker threads, refreshes complete asynchronously.
 */
public final class CollectApi implements ApiRoutes, AutoCloseable {
    private final CollectRuntime runtime;
    private final CollectorRpcHandler rpc;
    private final ActionsApi actions;

    public CollectApi(CollectRuntime runtime, ActionsApi actions) {
        this.runtime = runtime;
        this.rpc = runtime.localCollector() == null ? null : new CollectorRpcHandler(runtime.localCollector());
        this.actions = actions;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.get("/api/v1/heartbeat", "group=&type=&refresh=&format=", ctx -> {
                    var req = ctx.request();
                    boolean refresh = "true".equalsIgnoreCase(req.getParam("refresh")) || "1".equals(req.getParam("refresh"));
                    String format = req.getParam("format");
                    if (format != null && !format.equals("vigil") && !format.equals("clmgr")) {
                        Answer.error(ctx, 400, "bad_request", "format must be vigil (default) or clmgr, got \"" + format + "\"");
                    } else if ("clmgr".equals(format)) {
                        answer(ctx, new CollectCommand(CollectCommand.Level.INSTANCES, CollectCommand.Action.HEARTBEAT,
                                orAll(req.getParam("group")), orAll(req.getParam("type")).toLowerCase(Locale.ROOT), true, refresh));
                    } else {
                        answerHeartbeat(ctx, req.getParam("group"), req.getParam("type"), refresh);
                    }
                })
                .post("/api/v1/command", ctx -> command(ctx, Answer.text(ctx)))
                .get("/api/v1/collect", ctx -> Answer.json(ctx, 200, status()));
        if (actions != null) actions.declare(routes);
        if (rpc != null) {
            routes.post("/rpc/get_all", ctx -> rpc(ctx, true))
                    .post("/rpc/get_changes", ctx -> rpc(ctx, false))
                    .get("/rpc/datasources", ctx -> Answer.json(ctx, 200, rpc.datasources()));
        }
    }

    private void rpc(RoutingContext ctx, boolean all) {
        try {
            rpc.call(all, Answer.text(ctx)).whenComplete((r, e) -> {
                CollectorRpcHandler.Answer a = CollectorRpcHandler.answer(r, e);
                Answer.json(ctx, a.status(), a.body());
            });
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_request", e.getMessage());
        }
    }

    private void command(RoutingContext ctx, String body) {
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            Answer.error(ctx, 400, "malformed", "malformed JSON command: " + e.getMessage());
            return;
        }
        CollectCommand command;
        try {
            command = CollectCommand.parse(n);
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "unknown_command", e.getMessage() + "; e.g. " + CollectCommand.EXAMPLE);
            return;
        }
        answer(ctx, command);
    }

    /** Answers a command, after a collection round when it asks for one (ping, refresh). */
    private void answer(RoutingContext ctx, CollectCommand command) {
        CollectEngine engine = runtime.engine();
        Supplier<ObjectNode> doc = () -> engine.answer(command);
        if (!command.collectFirst()) {
            Answer.json(ctx, 200, doc.get());
            return;
        }
        engine.refresh().whenComplete((v, e) -> {
            if (e != null) Answer.error(ctx, 503, "collect_failed", "the collection round (get_all) failed: " + e.getMessage());
            else Answer.json(ctx, 200, doc.get());
        });
    }

    private static String orAll(String v) {
        return v == null || v.isBlank() ? "all" : v;
    }

    private void answerHeartbeat(RoutingContext ctx, String group, String type, boolean refresh) {
        CollectEngine engine = runtime.engine();
        Supplier<ObjectNode> doc = () -> engine.heartbeat(group, type == null ? null : type.toLowerCase(Locale.ROOT));
        if (!refresh) {
            Answer.json(ctx, 200, doc.get());
            return;
        }
        CompletableFuture<Void> f = engine.refresh();
        f.whenComplete((v, e) -> {
            if (e != null) Answer.json(ctx, 503, HiddenErrors.report("collect_failed", "the refresh (get_all) failed", e));
            else Answer.json(ctx, 200, doc.get());
        });
    }

    private CollectStatus status() {
        return new CollectStatus(runtime.engine().stats(), runtime.engine().pool().status(),
                List.copyOf(runtime.settings().datasourceNames()));
    }

    /** {@code GET /api/v1/collect}: the engine's counters, each collector's state, the datasource names. */
    record CollectStatus(CollectEngine.Stats engine, List<CollectorPool.Status> collectors, List<String> datasources) {
    }

    @Override
    public void close() {
        if (actions != null) actions.close();
        runtime.close();
    }
}

package io.vigil.server.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.collect.action.ActionRunner;
import io.vigil.collect.action.DelayedAction;
import io.vigil.collect.action.DelayedActionRepository;
import io.vigil.collect.action.DelayedActionSink;
import io.vigil.collect.action.Plan;
import io.vigil.collect.action.PlanRunner;
import io.vigil.collect.action.PlanSpec;
import io.vigil.http.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Delayed actions and plans over HTTP (docs/collect.md):
 * <ul>
 *   <li>{@code POST /api/v1/actions/delayed} {@code {"actions":[…]}} (or one action object): 201 {@code {"ids":[…]}};
 *       {@code GET} lists them; {@code DELETE /api/v1/actions/delayed/{id}} cancels one.</li>
 *   <li>{@code GET /api/v1/actions/history}: fired delayed actions and their outcome.</li>
 *   <li>{@code POST /api/v1/actions/plans} (a plan): 201 with the plan; {@code GET} lists; {@code GET|DELETE
 *       /api/v1/actions/plans/{id}} shows or cancels one.</li>
 * </ul>
 * Store work runs on Vert.x worker threads.
 */
public final class ActionsApi implements AutoCloseable {
    private static final String DELAYED = "/api/v1/actions/delayed";
    private static final String PLANS = "/api/v1/actions/plans";
    private final Vertx vertx;
    private final DelayedActionRepository delayed;
    private final DelayedActionSink sink;
    private final ActionRunner runner;
    private final PlanRunner plans;
    private final Clock clock;

    public ActionsApi(Vertx vertx, DelayedActionRepository delayed, DelayedActionSink sink, ActionRunner runner, PlanRunner plans, Clock clock) {
        this.vertx = vertx;
        this.delayed = delayed;
        this.sink = sink;
        this.runner = runner;
        this.plans = plans;
        this.clock = clock;
    }

    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        HttpMethod m = req.method();
        if (path.equals(DELAYED)) {
            if (m == HttpMethod.GET) blocking(req, 200, () -> {
                ObjectNode n = Json.object();
                ArrayNode a = n.putArray("actions");
                delayed.list().forEach(d -> a.add(d.toJson()));
                return n;
            });
            else if (m == HttpMethod.POST) withBody(req, body -> blocking(req, 201, () -> addDelayed(body)));
            else CollectApi.error(req, 405, "method_not_allowed", "use GET or POST " + DELAYED);
            return true;
        }
        if (path.startsWith(DELAYED + "/")) {
            String id = path.substring(DELAYED.length() + 1);
            if (m != HttpMethod.DELETE) CollectApi.error(req, 405, "method_not_allowed", "use DELETE " + DELAYED + "/{id}");
            else blocking(req, 200, () -> {
                if (!delayed.take(id)) throw new NotFound("no delayed action " + id + " (fired or cancelled already?)");
                return Json.object().put("cancelled", id);
            });
            return true;
        }
        if (path.equals("/api/v1/actions/history")) {
            ObjectNode n = Json.object();
            ArrayNode a = n.putArray("fired");
            sink.history().forEach(a::add);
            CollectApi.json(req, 200, n);
            return true;
        }
        if (path.equals(PLANS)) {
            if (m == HttpMethod.GET) blocking(req, 200, () -> {
                ObjectNode n = Json.object();
                ArrayNode a = n.putArray("plans");
                plans.list().forEach(p -> a.add(p.toJson()));
                return n;
            });
            else if (m == HttpMethod.POST) withBody(req, body -> blocking(req, 201, () -> plans.submit(PlanSpec.fromJson(parse(body))).toJson()));
            else CollectApi.error(req, 405, "method_not_allowed", "use GET or POST " + PLANS);
            return true;
        }
        if (path.startsWith(PLANS + "/")) {
            String id = path.substring(PLANS.length() + 1);
            if (m == HttpMethod.GET) blocking(req, 200, () -> plans.find(id).map(Plan::toJson).orElseThrow(() -> new NotFound("no plan " + id)));
            else if (m == HttpMethod.DELETE) blocking(req, 200, () -> {
                if (!plans.cancel(id)) throw new NotFound("no running plan " + id);
                return Json.object().put("cancelled", id);
            });
            else CollectApi.error(req, 405, "method_not_allowed", "use GET or DELETE " + PLANS + "/{id}");
            return true;
        }
        return false;
    }

    private ObjectNode addDelayed(String body) {
        JsonNode n = parse(body);
        List<DelayedAction> list = new ArrayList<>();
        long now = clock.millis();
        if (n.has("actions")) {
            if (!n.get("actions").isArray()) throw new IllegalArgumentException("\"actions\" must be a list");
            int i = 0;
            for (JsonNode a : n.get("actions")) list.add(checked(a, "actions[" + i++ + "]", now));
        } else {
            list.add(checked(n, "action", now));
        }
        if (list.isEmpty()) throw new IllegalArgumentException("\"actions\" is empty");
        delayed.add(list);
        ObjectNode out = Json.object();
        ArrayNode ids = out.putArray("ids");
        list.forEach(a -> ids.add(a.id()));
        return out;
    }

    private DelayedAction checked(JsonNode n, String where, long now) {
        DelayedAction a;
        try {
            a = DelayedAction.fromJson(n, now);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (!runner.knows(a.doAction()))
            throw new IllegalArgumentException(where + ": do_action \"" + a.doAction() + "\" is not in the config's actions (known: "
                    + String.join(", ", runner.names()) + ")");
        return a;
    }

    private static JsonNode parse(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage());
        }
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m);
        }
    }

    private static void withBody(HttpServerRequest req, java.util.function.Consumer<String> then) {
        req.body().onComplete(ar -> {
            if (ar.failed()) CollectApi.error(req, 400, "bad_request", "cannot read the body: " + ar.cause().getMessage());
            else then.accept(ar.result().toString());
        });
    }

    private void blocking(HttpServerRequest req, int status, Callable<JsonNode> work) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) CollectApi.json(req, status, ar.result());
            else if (ar.cause() instanceof IllegalArgumentException e) CollectApi.error(req, 400, "bad_request", e.getMessage());
            else if (ar.cause() instanceof NotFound e) CollectApi.error(req, 404, "not_found", e.getMessage());
            else CollectApi.json(req, 500, io.vigil.http.HiddenErrors.report("internal", "HTTP " + req.method() + " "
                    + req.path() + " failed", ar.cause()));
        });
    }

    @Override
    public void close() {
    }
}

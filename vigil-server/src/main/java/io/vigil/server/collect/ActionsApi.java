package io.vigil.server.collect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vigil.collect.action.ActionRunner;
import io.vigil.collect.action.DelayedAction;
import io.vigil.collect.action.DelayedActionRepository;
import io.vigil.collect.action.DelayedActionSink;
import io.vigil.collect.action.Plan;
import io.vigil.collect.action.PlanRunner;
import io.vigil.collect.action.PlanSpec;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import io.vigil.http.Answer;
import io.vigil.http.ApiRoutes;
import io.vigil.http.HiddenErrors;
import io.vigil.http.Json;
import io.vigil.http.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Delayed actions and plans over HTTP (docs/collect.md):
 * <ul>
 *   <li>{@code POST /api/v1/actions/delayed} {@code {"actions":[…]}} (or one action object): 201 {@code {"ids":[…]}};
 *       {@code GET} lists them; {@code DELETE /api/v1/actions/delayed/{id}} cancels one.</li>
 *   <li>{@code GET /api/v1/actions/history}: fired delayed actions and their outcome.</li>
 *   <li>{@code POST /api/v1/actions/run} {@code {"action","service"}}: runs an action on a service now when its
 *       instance is running, or else as a delayed action on that instance's ip reaching {@code running}.</li>
 *   <li>{@code POST /api/v1/actions/plans} (a plan): 201 with the plan; {@code GET} lists; {@code GET|DELETE
 *       /api/v1/actions/plans/{id}} shows or cancels one.</li>
 * </ul>
 * Store work runs on Vert.x worker threads.
 */
public final class ActionsApi implements ApiRoutes, AutoCloseable {
    private static final String DELAYED = "/api/v1/actions/delayed";
    private static final String PLANS = "/api/v1/actions/plans";
    private static final String RUN = "/api/v1/actions/run";
    private final Vertx vertx;
    private final DelayedActionRepository delayed;
    private final DelayedActionSink sink;
    private final ActionRunner runner;
    private final PlanRunner plans;
    private final Clock clock;
    private final Supplier<List<Entity>> current;

    /** @param current the status table's entities now (the engine's last applied round) */
    public ActionsApi(Vertx vertx, DelayedActionRepository delayed, DelayedActionSink sink, ActionRunner runner, PlanRunner plans,
                      Clock clock, Supplier<List<Entity>> current) {
        this.vertx = vertx;
        this.delayed = delayed;
        this.sink = sink;
        this.runner = runner;
        this.plans = plans;
        this.clock = clock;
        this.current = current;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.get(DELAYED, ctx -> blocking(ctx, 200, () -> new DelayedActions(delayed.list().stream().map(DelayedAction::toJson).toList())))
                .post(DELAYED, ctx -> {
                    String body = Answer.text(ctx);
                    blocking(ctx, 201, () -> addDelayed(body));
                })
                .delete(DELAYED + "/:id", ctx -> {
                    String id = ctx.pathParam("id");
                    blocking(ctx, 200, () -> {
                        if (!delayed.take(id)) throw new NotFound("no delayed action " + id + " (fired or cancelled already?)");
                        return new Cancelled(id);
                    });
                })
                .post(RUN, ctx -> run(ctx, Answer.text(ctx)))
                .get("/api/v1/actions/history", ctx -> {
                    Answer.json(ctx, 200, new Fired(List.copyOf(sink.history())));
                })
                .get(PLANS, ctx -> blocking(ctx, 200, () -> new Plans(plans.list().stream().map(Plan::toJson).toList())))
                .post(PLANS, ctx -> {
                    String body = Answer.text(ctx);
                    blocking(ctx, 201, () -> plans.submit(PlanSpec.fromJson(parse(body))).toJson());
                })
                .get(PLANS + "/:id", ctx -> {
                    String id = ctx.pathParam("id");
                    blocking(ctx, 200, () -> plans.find(id).map(Plan::toJson).orElseThrow(() -> new NotFound("no plan " + id)));
                })
                .delete(PLANS + "/:id", ctx -> {
                    String id = ctx.pathParam("id");
                    blocking(ctx, 200, () -> {
                        if (!plans.cancel(id)) throw new NotFound("no running plan " + id);
                        return new Cancelled(id);
                    });
                });
    }

    private Added addDelayed(String body) {
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
        List<String> ids = list.stream().map(DelayedAction::id).toList();
        return new Added(ids, List.copyOf(sink.fireIfAlreadyHolds(list, current.get())));
    }

    /**
     * {@code POST /api/v1/actions/run} {@code {"action","service","level"}} (or the delayed-action names
     * {@code do_action}, {@code do_group}, {@code do_level}): runs the action on the service now when the instance
     * holding the service's ip is {@code running} (200 with the outcome); otherwise keeps it as a delayed action that
     * fires when that ip's instance reaches {@code running} (202 with its id).
     */
    private void run(RoutingContext ctx, String body) {
        JsonNode n;
        String action, service, level;
        try {
            n = parse(body);
            if (!n.isObject()) throw new IllegalArgumentException("the body must be an object like {\"action\":\"start\",\"service\":\"node10\"}");
            action = field(n, "action", "do_action");
            service = field(n, "service", "do_group");
            level = n.has("level") || n.has("do_level") ? field(n, "level", "do_level") : "services";
            if (action == null) throw new IllegalArgumentException("\"action\" is required: the name of an action in the config's actions");
            if (service == null) throw new IllegalArgumentException("\"service\" is required: the service to run the action on");
            if (!runner.knows(action))
                throw new IllegalArgumentException("action \"" + action + "\" is not in the config's actions (known: " + String.join(", ", runner.names()) + ")");
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_request", e.getMessage());
            return;
        }
        List<Entity> now = current.get();
        Entity svc = now.stream().filter(e -> e.type() == EntityType.SERVICES && e.name().equals(service) && !e.deleted()).findFirst().orElse(null);
        if (svc == null || svc.ip() == null) {
            Answer.error(ctx, 404, "not_found", "no service \"" + service + "\" with an ip in the collected status; see GET /api/v1/heartbeat");
            return;
        }
        Entity instance = now.stream().filter(e -> e.type() == EntityType.INSTANCES && svc.ip().equals(e.ip()) && !e.deleted()).findFirst().orElse(null);
        long t = clock.millis();
        if (instance != null && Entity.RUNNING.equalsIgnoreCase(instance.state())) {
            DelayedAction a = new DelayedAction(java.util.UUID.randomUUID().toString(), svc.ip(), null, null, action, service, level, t);
            ObjectNode reason = Json.object().put("reason", "run").put("ip", svc.ip()).put("name", service).put("type", "services");
            sink.runNow(a, reason).whenComplete((o, e) -> {
                if (e != null) {
                    Answer.error(ctx, 500, "action_failed", "action " + action + " could not run: " + e.getMessage());
                    return;
                }
                Answer.json(ctx, 200, new Ran(true, action, service, instance.name(), o.succeeded(), o.detail()));
            });
            return;
        }
        DelayedAction waiting = new DelayedAction(java.util.UUID.randomUUID().toString(), svc.ip(), "instances", Entity.RUNNING,
                action, service, level, t);
        vertx.executeBlocking(() -> {
            delayed.add(List.of(waiting));
            // the instance may have come up between the look above and the write: fire at once then
            return sink.fireIfAlreadyHolds(List.of(waiting), current.get());
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                Answer.json(ctx, 500, HiddenErrors.report("internal", "HTTP POST " + RUN + " failed", ar.cause()));
                return;
            }
            Answer.json(ctx, 202, new Waiting(!ar.result().isEmpty(), waiting.id(), action, service,
                    new WaitingFor(svc.ip(), "instances", Entity.RUNNING)));
        });
    }

    private static String field(JsonNode n, String name, String alias) {
        JsonNode v = n.has(name) ? n.get(name) : n.get(alias);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException("\"" + name + "\" must be a name (text), got " + v);
        return v.asText();
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

    /** Runs store work off the event loop: a bad request answers 400, an unknown id 404. */
    private void blocking(RoutingContext ctx, int status, Callable<?> work) {
        vertx.executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) Answer.json(ctx, status, ar.result());
            else if (ar.cause() instanceof IllegalArgumentException e) Answer.error(ctx, 400, "bad_request", e.getMessage());
            else if (ar.cause() instanceof NotFound e) Answer.error(ctx, 404, "not_found", e.getMessage());
            else Answer.json(ctx, 500, HiddenErrors.report("internal", "HTTP " + ctx.request().method() + " "
                    + ctx.request().path() + " failed", ar.cause()));
        });
    }

    /** {@code GET /api/v1/actions/delayed}: each action as the store keeps it. */
    record DelayedActions(List<? extends JsonNode> actions) {
    }

    /** {@code POST /api/v1/actions/delayed}: the new ids, and those of them that fired at once. */
    record Added(List<String> ids, List<String> fired) {
    }

    /** {@code DELETE} of a delayed action or a plan. */
    record Cancelled(String cancelled) {
    }

    /** {@code GET /api/v1/actions/history}: the actions fired lately, oldest first. */
    record Fired(List<? extends JsonNode> fired) {
    }

    /** {@code GET /api/v1/actions/plans}. */
    record Plans(List<? extends JsonNode> plans) {
    }

    /** {@code POST /api/v1/actions/run} when the service's instance is running: the action's outcome. */
    record Ran(boolean ran, String action, String service, String instance, boolean succeeded, String detail) {
    }

    /** {@code POST /api/v1/actions/run} otherwise: the delayed action that waits for the instance. */
    record Waiting(boolean ran, String delayed, String action, String service, WaitingFor waiting_for) {
    }

    /** What a waiting action waits for, in the delayed actions' own names. */
    record WaitingFor(String event_ip, String event_type, String event_state) {
    }

    @Override
    public void close() {
    }
}

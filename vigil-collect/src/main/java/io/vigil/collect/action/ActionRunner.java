package io.vigil.collect.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vigil.collect.CollectJson;
import io.vigil.collect.process.ExternalCommand;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs named actions ({@link ActionSpec}). A command gets {@code {"event":…,"action":{"name","group","level"}}} on
 * stdin and {@code VIGIL_ACTION}, {@code VIGIL_GROUP}, {@code VIGIL_LEVEL} in its environment; a webhook gets the same
 * JSON as a POST body. The future completes with the outcome (never exceptionally). Thread-safe.
 *
 * <p><b>Bounded.</b> At most {@value #MAX_RUNNING} actions run at once (commands and webhooks each); up to
 * {@value #MAX_WAITING} more wait, in order. Past that an action is not run: its outcome is a failure saying the queue
 * is full, so a storm of changes cannot fork thousands of processes or hold unbounded memory.
 */
public final class ActionRunner implements AutoCloseable {
    private final Map<String, ActionSpec> actions;
    private final HttpClientAgent http;
    static final int MAX_RUNNING = 16;
    static final int MAX_WAITING = 10_000;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final java.util.concurrent.Semaphore commandSlots = new java.util.concurrent.Semaphore(MAX_RUNNING, true);
    private final java.util.concurrent.atomic.AtomicInteger commandsQueued = new java.util.concurrent.atomic.AtomicInteger();

    /** What one run did. */
    public record Outcome(boolean succeeded, String detail) {
    }

    public ActionRunner(Vertx vertx, Map<String, ActionSpec> actions) {
        this.actions = Map.copyOf(actions);
        this.http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions(),
                new io.vertx.core.http.PoolOptions().setHttp1MaxSize(MAX_RUNNING).setMaxWaitQueueSize(MAX_WAITING));
    }

    public boolean knows(String name) {
        return actions.containsKey(name);
    }

    public java.util.Set<String> names() {
        return actions.keySet();
    }

    public CompletableFuture<Outcome> run(String name, String group, String level, JsonNode event) {
        ActionSpec spec = actions.get(name);
        if (spec == null) return CompletableFuture.completedFuture(new Outcome(false, "no action named \"" + name + "\" in the config's actions"));
        ObjectNode body = CollectJson.object();
        body.set("event", event);
        body.putObject("action").put("name", name).put("group", group).put("level", level);
        String json = CollectJson.write(body);
        if (spec.command() != null) {
            Map<String, String> env = new HashMap<>();
            env.put("VIGIL_ACTION", name);
            env.put("VIGIL_GROUP", group == null ? "" : group);
            env.put("VIGIL_LEVEL", level == null ? "" : level);
            if (commandsQueued.incrementAndGet() > MAX_RUNNING + MAX_WAITING) {
                commandsQueued.decrementAndGet();
                return CompletableFuture.completedFuture(new Outcome(false, "not run: " + MAX_RUNNING + " actions run and "
                        + MAX_WAITING + " wait already (action queue full)"));
            }
            return CompletableFuture.supplyAsync(() -> {
                try {
                    try {
                        commandSlots.acquire();
                    } catch (InterruptedException closing) {
                        return new Outcome(false, "not run: the action runner is closing");
                    }
                    try {
                        ExternalCommand.Outcome o = ExternalCommand.run(spec.command(), env, json, spec.timeout());
                        return new Outcome(o.succeeded(), o.succeeded() ? "exit 0" : o.describe());
                    } finally {
                        commandSlots.release();
                    }
                } finally {
                    commandsQueued.decrementAndGet();
                }
            }, threads);
        }
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(spec.webhook())
                .setTimeout(spec.timeout().toMillis()).putHeader("Content-Type", "application/json");
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        http.request(ro).compose(req -> req.send(Buffer.buffer(json))).onComplete(ar -> {
            if (ar.failed()) f.complete(new Outcome(false, "webhook failed: " + ar.cause().getMessage()
                    + (ar.cause() instanceof io.vertx.core.http.ConnectionPoolTooBusyException ? " (action queue full)" : "")));
            else {
                int st = ar.result().statusCode();
                f.complete(new Outcome(st >= 200 && st < 300, "http " + st));
            }
        });
        return f;
    }

    @Override
    public void close() {
        http.close();
        threads.shutdownNow();
    }
}

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
 */
public final class ActionRunner implements AutoCloseable {
    private final Map<String, ActionSpec> actions;
    private final HttpClientAgent http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** What one run did. */
    public record Outcome(boolean succeeded, String detail) {
    }

    public ActionRunner(Vertx vertx, Map<String, ActionSpec> actions) {
        this.actions = Map.copyOf(actions);
        this.http = vertx.createHttpClient();
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
            return CompletableFuture.supplyAsync(() -> {
                ExternalCommand.Outcome o = ExternalCommand.run(spec.command(), env, json, spec.timeout());
                return new Outcome(o.succeeded(), o.succeeded() ? "exit 0" : o.describe());
            }, threads);
        }
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(spec.webhook())
                .setTimeout(spec.timeout().toMillis()).putHeader("Content-Type", "application/json");
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        http.request(ro).compose(req -> req.send(Buffer.buffer(json))).onComplete(ar -> {
            if (ar.failed()) f.complete(new Outcome(false, "webhook failed: " + ar.cause().getMessage()));
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

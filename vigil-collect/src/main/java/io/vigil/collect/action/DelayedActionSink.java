package io.vigil.collect.action;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.snapshot.StatusChange;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires delayed actions from the outbox: fed by its own relay (sink {@value #NAME}), it reads each status-change
 * record's events in order and, for every waiting delayed action that matches one, removes it from the store and
 * starts its action. Reading from the outbox means a change that was written before a crash still fires its action
 * after the restart. An action without {@code do_group} runs on the instance that holds its event's ip. An action fires at most once (it is removed before it runs); its outcome is logged and kept in
 * {@link #history()}. Thread-safe.
 */
public final class DelayedActionSink implements Sink {
    public static final String NAME = "actions:delayed";
    private static final Logger log = LoggerFactory.getLogger(DelayedActionSink.class);
    static final int HISTORY = 200;

    private final DelayedActionRepository repo;
    private final ActionRunner runner;
    private final Clock clock;
    private final Function<String, String> instanceByIp;
    private final Deque<ObjectNode> history = new ArrayDeque<>(); // guarded by itself

    public DelayedActionSink(DelayedActionRepository repo, ActionRunner runner, Clock clock) {
        this(repo, runner, clock, ip -> null);
    }

    /**
     * @param instanceByIp the name of the instance holding an ip, or null: the group of an action registered without
     *                     {@code do_group} (the ip to instance name mapping of cached datasources, then the status table)
     */
    public DelayedActionSink(DelayedActionRepository repo, ActionRunner runner, Clock clock, Function<String, String> instanceByIp) {
        this.repo = repo;
        this.runner = runner;
        this.clock = clock;
        this.instanceByIp = instanceByIp;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        if (!"STATUS_CHANGES".equals(record.kind())) return CompletableFuture.completedFuture(null);
        JsonNode events = CollectJson.read(record.payload()).path("events");
        List<DelayedAction> waiting = repo.list();
        if (waiting.isEmpty()) return CompletableFuture.completedFuture(null);
        for (JsonNode event : events) {
            for (DelayedAction a : new ArrayList<>(waiting)) {
                if (!a.matches(event)) continue;
                waiting.remove(a);
                if (!repo.take(a.id())) continue; // cancelled or fired meanwhile
                fire(a, event);
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Fires, at once, each of the just registered {@code added} actions whose condition already holds in the current
     * status ({@code current}: the status table's entities): a rule waiting for a state that is already there would
     * otherwise wait for the next change, which may never come. Returns the ids of the actions fired.
     */
    public List<String> fireIfAlreadyHolds(List<DelayedAction> added, List<Entity> current) {
        List<String> fired = new ArrayList<>();
        for (DelayedAction a : added) {
            for (Entity e : current) {
                if (e.deleted()) continue;
                ObjectNode event = new StatusChange(null, e).toJson(); // its current status, as a first observation
                if (!a.matches(event)) continue;
                if (repo.take(a.id())) {
                    fire(a, event);
                    fired.add(a.id());
                }
                break;
            }
        }
        return fired;
    }

    /** Runs {@code action} on {@code group} at {@code level} now, for {@code reason} (an API call); kept in the history. */
    public CompletionStage<ActionRunner.Outcome> runNow(DelayedAction a, JsonNode reason) {
        return fire(a, reason);
    }

    private CompletionStage<ActionRunner.Outcome> fire(DelayedAction a, JsonNode event) {
        String ip = event.path("ip").asText(null);
        String group = a.doGroup() != null || ip == null ? a.doGroup() : instanceByIp.apply(ip);
        log.info("delayed action {} matched {} {} {}: running {} on {} at {}", a.id(), event.path("type").asText(),
                ip, event.path("state").asText(), a.doAction(), group, a.doLevel());
        long started = clock.millis();
        return runner.run(a.doAction(), group, a.doLevel(), event).thenApply(o -> {
            if (!o.succeeded()) log.warn("delayed action {} ({}) failed: {}", a.id(), a.doAction(), o.detail());
            ObjectNode h = a.toJson();
            h.set("event", event);
            h.put("fired_at", started);
            h.put("succeeded", o.succeeded());
            h.put("detail", o.detail());
            synchronized (history) {
                history.addLast(h);
                while (history.size() > HISTORY) history.removeFirst();
            }
            return o;
        });
    }

    /** The last fired actions with their outcome, oldest first (an action appears once its run finished). */
    public List<ObjectNode> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }
}

package io.vigil.collect.action;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs action queues ({@link PlanSpec}) step after step against the heartbeat's view of the entities.
 *
 * <p>A step in PENDING is skipped when its expected state already holds; otherwise its action runs (ACTING); once the
 * action succeeded the step waits (WAITING) until the heartbeat shows the expected state, then the next step starts.
 * A failed action or an expectation not seen within the step's timeout is a failed attempt: retried after the step's
 * backoff (doubling) up to {@code retries} times, then the plan is FAILED with an event naming the step and the reason.
 * A finished plan writes a DONE event. Every transition is stored before the runner acts on it, so after a restart a
 * plan resumes at its current step (an action that was running when the process died runs again, unless its outcome
 * already holds).
 *
 * <p>All transitions happen on one thread ({@code vigil-plans}), ticking every {@value #TICK_MS} ms and when
 * {@link #wakeUp()} is called (after each heartbeat change). Thread-safe.
 */
public final class PlanRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlanRunner.class);
    static final long TICK_MS = 200;

    private final PlanRepository repo;
    private final ActionRunner actions;
    private final Supplier<List<Entity>> entities;
    private final PlanEventWriter events;
    private final Clock clock;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-plans").daemon(true).unstarted(r));
    // owned by the plans thread
    private final Map<String, Plan> running = new LinkedHashMap<>();
    private final Map<String, Long> notBefore = new HashMap<>();
    private final Map<String, Long> deadline = new HashMap<>();

    public PlanRunner(PlanRepository repo, ActionRunner actions, Supplier<List<Entity>> entities, PlanEventWriter events, Clock clock) {
        this.repo = repo;
        this.actions = actions;
        this.entities = entities;
        this.events = events;
        this.clock = clock;
    }

    /** Loads the running plans (resuming each at its step) and starts ticking. */
    public void start() {
        thread.execute(() -> {
            for (Plan p : repo.list()) {
                if (p.status() != Plan.Status.RUNNING) continue;
                if (p.stepState() != Plan.StepState.PENDING) {
                    p = save(p.with(p.status(), p.currentStep(), Plan.StepState.PENDING, p.attempts(),
                            "resumed after a restart at step " + p.currentStep() + " (" + stepName(p) + ")", clock.millis()));
                }
                running.put(p.id(), p);
                log.info("plan {} ({}) resumes at step {} ({})", p.id(), p.spec().name(), p.currentStep(), stepName(p));
            }
        });
        thread.scheduleWithFixedDelay(this::tickSafely, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** Stores a new plan and starts it; returns it. Unknown action names are rejected. */
    public Plan submit(PlanSpec spec) {
        for (PlanSpec.Step s : spec.steps())
            if (s.action() != null && !actions.knows(s.action()))
                throw new IllegalArgumentException("step \"" + s.name() + "\" names action \"" + s.action()
                        + "\", which is not in the config's actions (known: " + String.join(", ", actions.names()) + ")");
        long now = clock.millis();
        Plan p = new Plan(UUID.randomUUID().toString(), spec, Plan.Status.RUNNING, 0, Plan.StepState.PENDING, 0, "submitted", now, now);
        repo.insert(p);
        thread.execute(() -> {
            running.put(p.id(), p);
            tickSafely();
        });
        return p;
    }

    /** Cancels a running plan; false when it is not running. A running action is not killed. */
    public boolean cancel(String id) {
        try {
            return thread.submit(() -> {
                Plan p = running.remove(id);
                if (p == null) return false;
                save(p.with(Plan.Status.CANCELLED, p.currentStep(), p.stepState(), p.attempts(), "cancelled", clock.millis()));
                return true;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cancelling plan " + id + " failed: " + e.getMessage(), e);
        }
    }

    public List<Plan> list() {
        return repo.list();
    }

    public Optional<Plan> find(String id) {
        return repo.find(id);
    }

    /** Look again now (the heartbeat changed). */
    public void wakeUp() {
        try {
            thread.execute(this::tickSafely);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing
        }
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            log.error("plan runner tick failed; retried at the next tick", e);
        }
    }

    private void tick() {
        if (running.isEmpty()) return;
        List<Entity> view = entities.get();
        long now = clock.millis();
        for (Plan p : new ArrayList<>(running.values())) {
            PlanSpec.Step step = p.spec().steps().get(p.currentStep());
            switch (p.stepState()) {
                case PENDING -> {
                    if (now < notBefore.getOrDefault(p.id(), 0L)) continue;
                    if (step.expect() != null && holds(step.expect(), view)) {
                        advance(p, "step " + p.currentStep() + " (" + step.name() + ") skipped: its outcome already holds");
                    } else if (step.action() == null) {
                        wait(p, step, now);
                    } else {
                        act(p, step);
                    }
                }
                case WAITING -> {
                    if (step.expect() == null || holds(step.expect(), view)) advance(p, "step " + p.currentStep() + " (" + step.name() + ") done");
                    else if (now > deadline.getOrDefault(p.id(), Long.MAX_VALUE))
                        failAttempt(p, step, step.expect().type().wire() + " " + target(step.expect()) + " not " + step.expect().state()
                                + " within " + step.timeout().toMillis() + "ms");
                }
                case ACTING -> { }
            }
        }
    }

    private void act(Plan p, PlanSpec.Step step) {
        Plan acting = save(p.with(Plan.Status.RUNNING, p.currentStep(), Plan.StepState.ACTING, p.attempts(),
                "step " + p.currentStep() + " (" + step.name() + "): running " + step.action(), clock.millis()));
        running.put(p.id(), acting);
        ObjectNode event = CollectJson.object().put("plan", p.spec().name()).put("plan_id", p.id())
                .put("step", p.currentStep()).put("step_name", step.name()).put("attempt", p.attempts() + 1);
        int index = p.currentStep();
        actions.run(step.action(), step.group(), step.level(), event).thenAccept(o -> thread.execute(() -> {
            Plan now = running.get(p.id());
            if (now == null || now.currentStep() != index || now.stepState() != Plan.StepState.ACTING) return;
            if (o.succeeded()) {
                wait(now, step, clock.millis());
                tickSafely();
            } else {
                failAttempt(now, step, "action " + step.action() + " failed: " + o.detail());
            }
        }));
    }

    private void wait(Plan p, PlanSpec.Step step, long now) {
        deadline.put(p.id(), now + step.timeout().toMillis());
        running.put(p.id(), save(p.with(Plan.Status.RUNNING, p.currentStep(), Plan.StepState.WAITING, p.attempts(),
                "step " + p.currentStep() + " (" + step.name() + "): waiting for " + describe(step.expect()), now)));
    }

    private void advance(Plan p, String message) {
        int next = p.currentStep() + 1;
        long now = clock.millis();
        notBefore.remove(p.id());
        deadline.remove(p.id());
        if (next >= p.spec().steps().size()) {
            Plan done = save(p.with(Plan.Status.DONE, next, Plan.StepState.PENDING, 0, message + "; plan done", now));
            running.remove(p.id());
            emit(done, "done", null);
            log.info("plan {} ({}) done", p.id(), p.spec().name());
        } else {
            running.put(p.id(), save(p.with(Plan.Status.RUNNING, next, Plan.StepState.PENDING, 0, message, now)));
            log.info("plan {} ({}): {}", p.id(), p.spec().name(), message);
        }
    }

    private void failAttempt(Plan p, PlanSpec.Step step, String reason) {
        int attempts = p.attempts() + 1;
        long now = clock.millis();
        deadline.remove(p.id());
        if (attempts > step.retries()) {
            String msg = "stopped at step " + p.currentStep() + " (" + step.name() + ") after " + attempts + " attempts: " + reason;
            Plan failed = save(p.with(Plan.Status.FAILED, p.currentStep(), Plan.StepState.PENDING, attempts, msg, now));
            running.remove(p.id());
            emit(failed, "failed", reason);
            log.warn("plan {} ({}) {}", p.id(), p.spec().name(), msg);
            return;
        }
        long wait = step.backoff().toMillis() << Math.min(attempts - 1, 10);
        notBefore.put(p.id(), now + wait);
        running.put(p.id(), save(p.with(Plan.Status.RUNNING, p.currentStep(), Plan.StepState.PENDING, attempts,
                "step " + p.currentStep() + " (" + step.name() + ") attempt " + attempts + " failed: " + reason + "; retry in " + wait + "ms", now)));
    }

    private void emit(Plan p, String state, String reason) {
        ObjectNode payload = CollectJson.object();
        String id = "plan-" + p.id() + "-" + state;
        payload.put("id", id);
        ObjectNode e = payload.putArray("events").addObject();
        e.put("type", "plan");
        e.put("name", p.spec().name());
        e.put("plan_id", p.id());
        e.put("previous_state", "running");
        e.put("state", state);
        e.put("step", p.currentStep());
        e.put("step_name", p.currentStep() < p.spec().steps().size() ? p.spec().steps().get(p.currentStep()).name() : null);
        e.put("reason", reason);
        e.put("time", clock.millis());
        try {
            events.write(id, "plan/" + p.spec().name(), CollectJson.write(payload));
        } catch (RuntimeException ex) {
            log.error("could not write the {} event of plan {}: {}", state, p.id(), ex.getMessage());
        }
    }

    private Plan save(Plan p) {
        repo.update(p);
        return p;
    }

    static boolean holds(PlanSpec.Expect x, List<Entity> view) {
        for (Entity e : view) {
            if (e.type() != x.type()) continue;
            if (x.name() != null ? x.name().equals(e.name()) : x.ip().equals(e.ip())) return x.state().equalsIgnoreCase(e.state());
        }
        return false;
    }

    private static String target(PlanSpec.Expect x) {
        return x.name() != null ? x.name() : x.ip();
    }

    private static String describe(PlanSpec.Expect x) {
        return x == null ? "nothing" : x.type().wire() + " " + target(x) + " " + x.state();
    }

    private static String stepName(Plan p) {
        return p.currentStep() < p.spec().steps().size() ? p.spec().steps().get(p.currentStep()).name() : "-";
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.vigil.collect.action;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where one plan stands. Immutable; the runner replaces it on every transition and stores it.
 *
 * @param status      RUNNING, DONE, FAILED or CANCELLED
 * @param currentStep index of the step in progress (== steps.size() when done)
 * @param stepState   PENDING (to start or retry), ACTING (action running), WAITING (for the expected state)
 * @param attempts    failed attempts of the current step
 * @param message     what happened last (why it failed, which steps were skipped)
 */
public record Plan(String id, PlanSpec spec, Status status, int currentStep, StepState stepState, int attempts,
                   String message, long createdAtMillis, long updatedAtMillis) {

    public enum Status { RUNNING, DONE, FAILED, CANCELLED }

    public enum StepState { PENDING, ACTING, WAITING }

    public Plan with(Status s, int step, StepState st, int att, String msg, long now) {
        return new Plan(id, spec, s, step, st, att, msg, createdAtMillis, now);
    }

    public ObjectNode toJson() {
        ObjectNode n = spec.toJson();
        n.put("id", id);
        n.put("status", status.name().toLowerCase());
        n.put("current_step", currentStep);
        n.put("current_step_name", currentStep < spec.steps().size() ? spec.steps().get(currentStep).name() : null);
        n.put("step_state", stepState.name().toLowerCase());
        n.put("attempts", attempts);
        n.put("message", message);
        n.put("created_at", createdAtMillis);
        n.put("updated_at", updatedAtMillis);
        return n;
    }
}

package io.vigil.collect.action;

/** Writes a plan's outcome event to the outbox (kind {@code PLAN_EVENT}); idempotent per id; throws when it could not. */
@FunctionalInterface
public interface PlanEventWriter {
    void write(String eventId, String sourceName, String payload);
}

/**
 * The pull side's engine: it owns the timers, calls the collectors, orders their answers through the two-priority
 * coordinator (live changes before bulk snapshots) and writes the resulting status changes to the outbox, idempotent per
 * journal row.
 */
package io.vigil.collect.coordinator;

/**
 * The liveness service: the engine with durability (checkpoints, the journal of change events), activation and fencing per HA role, and the ingest watermarks.
 */
package io.vigil.liveness;

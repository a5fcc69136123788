/**
 * The durable state of every source, written behind the in-memory liveness state: one checkpoint per period with the
 * sources that changed, not a write per heartbeat.
 */
package io.vigil.store.source;

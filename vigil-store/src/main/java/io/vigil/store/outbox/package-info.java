/**
 * The outbox pattern in the store: state transitions committed in one transaction with their change events (fenced by
 * the lease epoch), and the delivery side with one cursor per sink.
 */
package io.vigil.store.outbox;

/**
 * The outbox relay: delivers one sink's outbox records at least once and in order per source, several batches in flight
 * over lanes, retrying a failed batch with backoff and moving the sink's cursor only over acknowledged records.
 */
package io.vigil.transport.relay;

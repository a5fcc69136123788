/**
 * Kafka: the consumer of VES heartbeats (offsets committed only once a checkpoint covers them, watermarks from
 * end-offset probes, dead letters, partition ownership and misrouted records in partition mode) and the sink that
 * publishes change events keyed by source.
 */
package io.vigil.transport.kafka;

/**
 * High availability: the per-mode parts (forwarding from a standby, routing HTTP heartbeats into the Kafka topic, partition ownership, peers and shared configuration) and the write fence of the sinks.
 */
package io.vigil.server.ha;

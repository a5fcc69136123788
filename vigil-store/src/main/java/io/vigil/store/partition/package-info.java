/**
 * Per-partition ownership of detection for active-active over Kafka partitions: the Kafka group's assignment turned
 * into a fence in the store, so that a write under a partition epoch that is no longer current is refused.
 */
package io.vigil.store.partition;

package io.vigil.store.partition;

import java.time.Instant;

/**
 * One row of {@code partition_owners}.
 *
 * @param owner      the instance that owns detection for the partition's sources; null after it released them
 * @param epoch      incremented at every assignment; writes carrying an older one are refused
 * @param assignedAt when the current owner took it (database clock)
 */
public record PartitionOwner(String topic, int partition, String owner, long epoch, Instant assignedAt) {
}

package io.vigil.store.partition;

import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * What an instance that owns some partitions of the heartbeat topic offers with a write: the epoch under which it
 * took each owned partition, and how a source maps to its partition. Immutable.
 *
 * @param topic       the heartbeat topic whose partitions are owned
 * @param epochs      owned partition → the epoch {@link PartitionOwnerRepository#take} returned for it
 * @param partitionOf sourceName → partition (Kafka's default partitioner over the sourceName key)
 */
public record PartitionFence(String topic, Map<Integer, Long> epochs, ToIntFunction<String> partitionOf) {
    public PartitionFence {
        epochs = Map.copyOf(epochs);
    }

    /** The partition of {@code sourceName}. */
    public int partition(String sourceName) {
        return partitionOf.applyAsInt(sourceName);
    }

    /** True when this instance owns the partition of {@code sourceName}. */
    public boolean owns(String sourceName) {
        return epochs.containsKey(partition(sourceName));
    }

    /** The epoch of an owned partition; -1 when it is not owned. */
    public long epoch(int partition) {
        return epochs.getOrDefault(partition, -1L);
    }

    public Set<Integer> partitions() {
        return epochs.keySet();
    }

    /** The same fence without {@code lost}: they are no longer owned. */
    public PartitionFence without(Set<Integer> lost) {
        Map<Integer, Long> rest = new java.util.HashMap<>(epochs);
        rest.keySet().removeAll(lost);
        return new PartitionFence(topic, rest, partitionOf);
    }
}

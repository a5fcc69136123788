package io.vigil.transport.kafka;

import java.util.Set;

/**
 * Told by a {@link KafkaHeartbeatConsumer} which partitions of the heartbeat topic this instance owns, for
 * active-active detection (docs/ha.md). Every call runs on the consumer's poll thread inside {@code poll()}, while
 * no record is being processed, and must return well within the group's rebalance timeout
 * ({@code max.poll.interval.ms}): the next owner is only assigned a partition once this returns.
 */
public interface PartitionOwnership {

    /**
     * After a rebalance: {@code owned} is every partition of {@code topic} this instance now consumes (possibly
     * empty), in a topic of {@code partitionCount} partitions.
     */
    void assigned(String topic, int partitionCount, Set<Integer> owned);

    /**
     * Before {@code partitions} go to another member: stop emitting for their sources and make what was decided
     * and heard for them durable (or drop it), then return.
     */
    void revoked(String topic, Set<Integer> partitions);

    /** The group dropped this member ({@code partitions} may already be owned by another one): stop at once. */
    default void lost(String topic, Set<Integer> partitions) {
        revoked(topic, partitions);
    }
}

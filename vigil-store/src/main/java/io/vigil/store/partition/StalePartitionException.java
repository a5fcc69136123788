package io.vigil.store.partition;

import io.vigil.store.StoreException;
import java.util.Set;

/**
 * A write carried a partition epoch that is no longer current: another instance was assigned the partition since
 * (a Kafka rebalance). Nothing of the refused write was stored; the writer no longer owns {@link #partitions()} and
 * must stop emitting for their sources.
 */
public class StalePartitionException extends StoreException {
    private final String topic;
    private final Set<Integer> partitions;

    public StalePartitionException(String topic, Set<Integer> partitions) {
        super("Write refused: this instance no longer owns partitions " + partitions + " of " + topic
                + " (they were assigned to another instance; its epoch is newer)");
        this.topic = topic;
        this.partitions = Set.copyOf(partitions);
    }

    public String topic() {
        return topic;
    }

    /** The partitions whose epoch was stale. */
    public Set<Integer> partitions() {
        return partitions;
    }
}

package io.vigil.liveness;

import io.vigil.store.partition.PartitionFence;

/**
 * How the journal's writes are fenced, one type per HA mode, so that the journal switches over the mode instead of
 * testing for null. Immutable; the service swaps its fence atomically (a narrowed partition fence is a new value).
 */
sealed interface WriteFence {
    /** The default modes' fence (single, active-standby). */
    LeaseEpoch LEASE_EPOCH = new LeaseEpoch();

    /**
     * Single and active-standby: every transaction carries the service's lease epoch; the store refuses a stale one
     * (and the service then writes nothing under that epoch again).
     */
    record LeaseEpoch() implements WriteFence {
    }

    /**
     * kafka-partitions: only the sources of owned partitions are written, each under its partition's epoch; a
     * partition the store says was taken elsewhere is dropped from the fence. Empty (no partition) while none is owned.
     */
    record Partitions(PartitionFence owned) implements WriteFence {
    }
}

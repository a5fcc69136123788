package io.vigil.server.ha;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.liveness.LivenessService;
import io.vigil.store.partition.PartitionFence;
import io.vigil.store.partition.PartitionOwner;
import io.vigil.store.partition.PartitionOwnerRepository;
import io.vigil.transport.kafka.PartitionOwnership;
import io.vigil.transport.kafka.SourcePartitioner;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active-active over Kafka partitions ({@code ha.mode: kafka-partitions}, docs/ha.md): turns the consumer group's
 * partition assignment into this instance's detection duty.
 *
 * <ul>
 *   <li>Assigned: takes each partition in the store ({@code partition_owners}, epoch + 1), then loads the owned
 *       partitions' sources into a fresh engine with the grace period.</li>
 *   <li>Revoked or lost: stops detection, writes what was decided and checkpoints (under the old epochs), forgets
 *       the sources, and only then returns, so the next owner restores a complete state. A write that still gets
 *       through later is refused by the store (the new owner's epoch is newer).</li>
 * </ul>
 * When the store cannot be written at an assignment, the partitions stay undetected (heartbeats are answered
 * NOT_OWNER and their offsets not committed) and the take is retried every second.
 *
 * <p>Threads: the callbacks run on the Kafka poll thread; the retry on {@code vigil-partitions}; all synchronized.
 */
public final class PartitionAssignments implements PartitionOwnership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionAssignments.class);

    private final PartitionOwnerRepository repo;
    private final LivenessService liveness;
    private final String instanceId;
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-partitions").daemon(true).unstarted(r));
    private final Counter rebalances;
    private String topic;
    private int partitionCount;
    /** What the group assigned to this instance. */
    private volatile Set<Integer> assigned = Set.of();
    /** What this instance detects for, with the epochs it took them under (empty until the take succeeded). */
    private volatile Map<Integer, Long> epochs = Map.of();
    private volatile Instant lastRebalance;
    private boolean retryScheduled;
    private volatile boolean closed;

    public PartitionAssignments(PartitionOwnerRepository repo, LivenessService liveness, String instanceId, MeterRegistry registry) {
        this.repo = repo;
        this.liveness = liveness;
        this.instanceId = instanceId;
        this.rebalances = Counter.builder("vigil_ha_partition_rebalances_total")
                .description("partition assignments and revocations this instance went through (kafka-partitions mode)")
                .register(registry);
        Gauge.builder("vigil_ha_owned_partitions", this, p -> p.epochs.size())
                .description("heartbeat topic partitions whose sources this instance detects").register(registry);
        Gauge.builder("vigil_ha_assigned_partitions", this, p -> p.assigned.size())
                .description("heartbeat topic partitions the consumer group assigned to this instance").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("vigil_ha_events_dropped_not_owner_total", liveness,
                        LivenessService::droppedNotOwned)
                .description("decided change events dropped because their partition had gone to another instance")
                .register(registry);
    }

    @Override
    public synchronized void assigned(String topic, int partitionCount, Set<Integer> owned) {
        rebalances.increment();
        lastRebalance = Instant.now();
        this.topic = topic;
        boolean same = owned.equals(epochs.keySet()) && partitionCount == this.partitionCount;
        this.partitionCount = partitionCount;
        this.assigned = Set.copyOf(owned);
        if (same) return; // a rebalance that changed nothing for this instance (cooperative protocol)
        if (!epochs.isEmpty()) liveness.releasePartitions();
        epochs = Map.of();
        take();
    }

    @Override
    public synchronized void revoked(String topic, Set<Integer> partitions) {
        rebalances.increment();
        lastRebalance = Instant.now();
        Set<Integer> keep = new TreeSet<>(assigned);
        keep.removeAll(partitions);
        assigned = Set.copyOf(keep);
        if (epochs.isEmpty()) return;
        Map<Integer, Long> before = epochs;
        liveness.releasePartitions();
        Map<Integer, Long> rest = new TreeMap<>(before);
        rest.keySet().removeAll(partitions);
        epochs = Map.copyOf(rest);
        log.info("partitions {} of {} revoked: their sources are checkpointed and handed over; this instance keeps {}",
                partitions, topic, rest.keySet());
        try {
            repo.release(topic, partitions, instanceId);
        } catch (RuntimeException e) {
            log.debug("marking partitions released failed; the next owner takes them anyway", e);
        }
        if (!rest.isEmpty()) liveness.activatePartitions(fence(rest)); // cooperative: what stays is restored as written
    }

    /** Takes the assigned partitions in the store and starts detecting their sources; retried while the store fails. */
    private void take() {
        if (closed || assigned.isEmpty()) return;
        Set<Integer> wanted = assigned;
        try {
            Map<Integer, Long> taken = repo.take(topic, wanted, instanceId);
            epochs = Map.copyOf(taken);
            liveness.activatePartitions(fence(taken));
            log.info("this instance ({}) detects for partitions {} of {} ({} partitions), epochs {}", instanceId,
                    new TreeSet<>(taken.keySet()), topic, partitionCount, new TreeMap<>(taken));
        } catch (RuntimeException e) {
            epochs = Map.of();
            log.error("cannot take partitions {} of {} in the store ({}); their sources are not detected until it works, "
                    + "retrying every second", wanted, topic, e.getMessage());
            if (!retryScheduled) {
                retryScheduled = true;
                retry.schedule(this::retryTake, 1, TimeUnit.SECONDS);
            }
        }
    }

    private synchronized void retryTake() {
        retryScheduled = false;
        if (epochs.isEmpty()) take();
    }

    private PartitionFence fence(Map<Integer, Long> owned) {
        int count = partitionCount;
        return new PartitionFence(topic, owned, source -> SourcePartitioner.partitionOf(source, count));
    }

    // ------------------------------------------------------------------ views

    /** The heartbeat topic; null before the first assignment. */
    public String topic() {
        return topic;
    }

    public int partitionCount() {
        return partitionCount;
    }

    /** Partitions the consumer group assigned to this instance. */
    public Set<Integer> assignedPartitions() {
        return new TreeSet<>(assigned);
    }

    /** Partitions this instance detects for, with their epochs. */
    public Map<Integer, Long> ownedEpochs() {
        return new TreeMap<>(epochs);
    }

    public long rebalances() {
        return (long) rebalances.count();
    }

    public Instant lastRebalance() {
        return lastRebalance;
    }

    /** Every partition's owner as stored (one query). */
    public List<PartitionOwner> owners() {
        String t = topic;
        return t == null ? List.of() : repo.all(t);
    }

    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
    }
}

package io.vigil.transport.kafka;

import io.vigil.ingest.HeartbeatReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offsets job of {@link KafkaHeartbeatConsumer}: re-read rather than lose. It notes, per partition, the offset
 * after the last record processed, asks {@link HeartbeatReceiver#durable()} for a checkpoint that covers them (one
 * request at a time; later offsets wait for the next), and hands the covered offsets back to the poll thread, which
 * commits them. Sends that must be acknowledged before their record's offset is committed (dead-letter copies,
 * forwarded records) are added with {@link #awaitBeforeCommit}.
 *
 * <p>Partition mode: every rebalance bumps an epoch ({@link #rebalanced}); offsets whose checkpoint was requested
 * before it are not committed after it (their heartbeats went with the partition's state: re-read, never lost).
 *
 * <p>Confined to the poll thread, except the checkpoint completion, which only adds to a concurrent queue.
 */
final class OffsetCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(OffsetCheckpoints.class);

    private record Covered(Map<TopicPartition, OffsetAndMetadata> offsets, Throwable error, long epoch) {
    }

    private final HeartbeatReceiver receiver;
    private final boolean partitionMode;
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final List<CompletableFuture<?>> sends = new ArrayList<>();
    private final ConcurrentLinkedQueue<Covered> covered = new ConcurrentLinkedQueue<>();
    private boolean inFlight;
    private long epoch;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitFailures = new AtomicLong();

    OffsetCheckpoints(HeartbeatReceiver receiver, boolean partitionMode) {
        this.receiver = receiver;
        this.partitionMode = partitionMode;
    }

    /** The record at {@code offset} of {@code tp} has been handed to the receiver (or dropped on purpose). */
    void processed(TopicPartition tp, long offset) {
        processed.put(tp, new OffsetAndMetadata(offset + 1));
    }

    /** The offsets processed so far are committed only once {@code send} completes. */
    void awaitBeforeCommit(CompletableFuture<?> send) {
        sends.add(send);
    }

    /** A rebalance happened (partition mode): checkpoints requested before it are not committed after it. */
    void rebalanced() {
        epoch++;
    }

    /** Partitions that went away: their unrequested offsets are dropped (the next owner re-reads them). */
    void forget(java.util.Collection<TopicPartition> partitions) {
        partitions.forEach(processed::remove);
    }

    /** Asks for a checkpoint covering everything processed so far, unless one is already pending. */
    void request() {
        if (inFlight || processed.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(processed);
        processed.clear();
        List<CompletableFuture<?>> waitFor = new ArrayList<>(sends);
        sends.clear();
        waitFor.add(receiver.durable().toCompletableFuture());
        inFlight = true;
        long requestedIn = epoch;
        CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new))
                .whenComplete((v, error) -> covered.add(new Covered(offsets, error, requestedIn)));
    }

    /** Commits (async) the offsets whose checkpoint completed, for the partitions still assigned. */
    void commitCovered(KafkaConsumer<?, ?> consumer) {
        Covered done;
        while ((done = covered.poll()) != null) {
            inFlight = false;
            if (done.error() != null) {
                log.warn("Checkpoint for Kafka offsets failed ({}); retrying with the next one", done.error().toString());
                done.offsets().forEach(processed::putIfAbsent); // later offsets of the same partition win
                continue;
            }
            if (partitionMode && done.epoch() != epoch) continue;
            Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(consumer, done.offsets());
            if (commit.isEmpty()) continue;
            consumer.commitAsync(commit, (offsets, error) -> {
                if (error == null) {
                    commits.incrementAndGet();
                } else {
                    // A later commit covers these offsets; until then a restart only re-reads them.
                    long n = commitFailures.incrementAndGet();
                    if (n == 1 || n % 100 == 0) log.warn("Kafka offset commit failed ({} so far): {}", n, error.toString());
                }
            });
        }
    }

    /**
     * The latest covered offset per partition among the checkpoints completed so far (those of an older epoch are
     * left out in partition mode). The one place offsets of several checkpoints are merged.
     */
    Map<TopicPartition, OffsetAndMetadata> takeCovered() {
        Map<TopicPartition, OffsetAndMetadata> latest = new HashMap<>();
        Covered done;
        while ((done = covered.poll()) != null) {
            inFlight = false;
            if (done.error() == null && (!partitionMode || done.epoch() == epoch)) merge(latest, done.offsets());
        }
        return latest;
    }

    private static void merge(Map<TopicPartition, OffsetAndMetadata> into, Map<TopicPartition, OffsetAndMetadata> more) {
        more.forEach((tp, o) -> into.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b));
    }

    /** Synchronously commits what is covered, before a rebalance hands the partitions over. */
    void commitBeforeRebalance(KafkaConsumer<?, ?> consumer, Duration timeout) {
        commitSync(consumer, takeCovered(), timeout, "Kafka offset commit before a rebalance failed ({}); those records will be read again");
    }

    /** Final checkpoint wait and synchronous commit at close, bounded by {@code timeout}. */
    void finish(KafkaConsumer<?, ?> consumer, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos(); // a shutdown bound, not a detection rule
        Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        while (inFlight || !processed.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("Kafka ingest closing: checkpoint not complete within {}; the latest records will be read again after restart", timeout);
                break;
            }
            request();
            Map<TopicPartition, OffsetAndMetadata> done = takeCovered();
            if (done.isEmpty() && inFlight) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                continue;
            }
            merge(last, done);
        }
        commitSync(consumer, last, timeout, "Final Kafka offset commit failed ({}); the latest records will be read again after restart");
    }

    /**
     * Partition mode at close: the hand-over checkpoint (requested by the caller after revoking the partitions)
     * covers everything processed, so once it and the pending sends complete, all of it is committed.
     */
    void finishHandOver(KafkaConsumer<?, ?> consumer, CompletableFuture<?> handOverCheckpoint, Duration timeout) {
        Map<TopicPartition, OffsetAndMetadata> seen = new HashMap<>(processed);
        processed.clear();
        List<CompletableFuture<?>> waitFor = new ArrayList<>(sends);
        sends.clear();
        waitFor.add(handOverCheckpoint);
        Map<TopicPartition, OffsetAndMetadata> last = takeCovered();
        try {
            CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            merge(last, seen);
        } catch (Exception e) {
            log.warn("Kafka ingest closing: the hand-over checkpoint did not complete ({}); the latest records will be read "
                    + "again by the next owner", e.toString());
        }
        epoch++;
        commitSync(consumer, last, timeout, "Final Kafka offset commit failed ({}); the latest records will be read again by the next owner");
    }

    private void commitSync(KafkaConsumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout, String failure) {
        Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(consumer, offsets);
        if (commit.isEmpty()) return;
        try {
            try {
                consumer.commitSync(commit, timeout);
            } catch (WakeupException e) {
                consumer.commitSync(commit, timeout); // close() woke a consumer that was not polling
            }
            commits.incrementAndGet();
        } catch (RuntimeException e) {
            commitFailures.incrementAndGet();
            log.warn(failure, e.toString());
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> assignedOnly(KafkaConsumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (assigned.contains(tp)) out.put(tp, o);
        });
        return out;
    }

    long commits() {
        return commits.get();
    }

    long commitFailures() {
        return commitFailures.get();
    }
}

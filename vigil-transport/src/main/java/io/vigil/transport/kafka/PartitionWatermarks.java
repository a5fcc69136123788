package io.vigil.transport.kafka;

import io.vigil.ingest.Watermark;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health job of {@link KafkaHeartbeatConsumer}, as a watermark per partition, moved by <b>end-offset probes</b>.
 * At {@code T} the poll thread asks the broker for the end offsets of the assigned partitions ({@code ListOffsets}:
 * the high watermark as the broker saw it when it answered, after {@code T}; so every record appended before
 * {@code T} lies below it). Once a partition's position (the next record a poll would return: every record before it
 * has been handed to the receiver) has reached the end offset a probe answered, the partition has heard everything
 * appended before that probe's {@code T}: its watermark moves to {@code T}. A probe answered while the consumer is
 * behind (catching up after an outage, a busy partition) is kept until the position reaches its end offset (the last
 * first {@value #PENDING} per partition). The consumer's {@link Watermark} is the oldest of its assigned partitions'.
 *
 * <p>A probe goes out at most every {@link #PROBE_EVERY_MILLIS} ms; the consumer polls that often when idle. So the
 * watermark runs one probe interval plus one round trip behind the clock. (It used to move on fetch answers, to the
 * start of the poll before the answering one: up to two poll timeouts, ~0.4 s, behind, and only when a partition was
 * read to its end at that moment; a fetch answer has no send time the consumer could see, which the probe has.)
 * After a probe that failed (the broker did not answer within the poll timeout) the next one waits for a fetch
 * answer, so a broker outage does not hold the poll thread in probes.
 *
 * <p>It does not move while the broker does not answer, while a partition is behind the end offsets of every probe
 * since its last proof, or (default mode) while no partition is assigned. A probe answered for every assigned
 * partition ends a blind spell even while partitions are behind ({@link Watermark#reached}): after an outage, the
 * catch-up is lag, not blind time. In partition mode an instance with no
 * partition has no source of this channel: its watermark follows the clock. Time comes from the engine's clock.
 *
 * <p>Poll thread only, except the getters.
 */
final class PartitionWatermarks {
    private static final Logger log = LoggerFactory.getLogger(PartitionWatermarks.class);
    /** At most one end-offset probe per this many ms: how far behind the clock the watermark runs when all is well. */
    static final long PROBE_EVERY_MILLIS = 20;
    /** Probes kept per partition while the consumer is behind their end offsets; when full, newer answers are dropped. */
    static final int PENDING = 64;

    /** A probe's answer for one partition: everything appended before {@code askedAt} lies below {@code endOffset}. */
    private record Probe(long askedAt, long endOffset) {
    }

    private final Watermark watermark;
    private final Clock clock;
    private final boolean partitionMode;
    private final Duration probeTimeout;
    private final Map<TopicPartition, Long> proven = new HashMap<>();
    private final Map<TopicPartition, ArrayDeque<Probe>> pending = new HashMap<>();
    private Metric fetchTotal;
    private double lastFetchTotal = -1;
    private long previousPollStart;
    private long pollStart;
    private long lastProbeMillis = Long.MIN_VALUE;
    /** False after a probe that failed (broker down): the next one waits for a fetch answer. */
    private boolean probeAnswered = true;
    private volatile int assigned;

    /**
     * @param probeTimeout the longest an end-offset probe may hold the poll thread (a broker that does not answer)
     */
    PartitionWatermarks(Watermark watermark, Clock clock, boolean partitionMode, Duration probeTimeout) {
        this.watermark = watermark;
        this.probeTimeout = probeTimeout;
        this.clock = clock;
        this.partitionMode = partitionMode;
        this.pollStart = clock.millis();
        this.previousPollStart = pollStart;
    }

    void open(Consumer<?, ?> consumer) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            MetricName n = e.getKey();
            if (n.name().equals("fetch-total") && n.group().equals("consumer-fetch-manager-metrics") && !n.tags().containsKey("topic")) {
                fetchTotal = e.getValue();
            }
        }
        if (fetchTotal == null) log.warn("Kafka consumer metric fetch-total not found: a fetch answer is only seen when records arrive");
    }

    void pollStarting() {
        previousPollStart = pollStart;
        pollStart = clock.millis();
    }

    /** After a poll returned (records processed). */
    void pollAnswered(Consumer<?, ?> consumer, boolean gotRecords) {
        double fetches = fetchTotal == null ? -1 : ((Number) fetchTotal.metricValue()).doubleValue();
        boolean answered = gotRecords || fetches != lastFetchTotal;
        lastFetchTotal = fetches;
        Set<TopicPartition> assignment = consumer.assignment();
        assigned = assignment.size();
        proven.keySet().retainAll(assignment);
        pending.keySet().retainAll(assignment);
        if (assignment.isEmpty()) {
            if (partitionMode) watermark.advanceTo(previousPollStart);
            return;
        }
        if (answered || probeAnswered) probe(consumer, assignment);
        for (TopicPartition tp : assignment) {
            // position() would block on a partition whose position is not known yet (just assigned); currentLag
            // is present only when it is
            ArrayDeque<Probe> q = pending.get(tp);
            if (q != null && !q.isEmpty() && consumer.currentLag(tp).isPresent()) reached(q, tp, consumer.position(tp));
        }
        long min = Long.MAX_VALUE;
        for (TopicPartition tp : assignment) {
            Long w = proven.get(tp);
            if (w == null) return; // a partition not caught up yet holds the channel
            min = Math.min(min, w);
        }
        watermark.advanceTo(min);
    }

    /**
     * Asks the broker for the end offsets, at most every {@link #PROBE_EVERY_MILLIS} ms, once every assigned partition
     * has a position: a partition whose position reaches an end offset has heard everything appended before the
     * request went out.
     */
    private void probe(Consumer<?, ?> consumer, Set<TopicPartition> assignment) {
        long asked = clock.millis();
        if (lastProbeMillis != Long.MIN_VALUE && asked - lastProbeMillis < PROBE_EVERY_MILLIS) return;
        for (TopicPartition tp : assignment) {
            if (consumer.currentLag(tp).isEmpty()) return; // no position or no fetch answer yet (just assigned)
        }
        lastProbeMillis = asked;
        Map<TopicPartition, Long> ends;
        try {
            ends = consumer.endOffsets(assignment, probeTimeout);
        } catch (WakeupException e) {
            return; // close() woke us: the poll loop sees it is closing
        } catch (KafkaException e) { // a timeout (broker down) or an error: proves nothing
            probeAnswered = false;
            return;
        }
        probeAnswered = true;
        // the broker answered for every assigned partition: an outage's blind spell ends here, catching up is lag
        if (ends.keySet().containsAll(assignment)) watermark.reached(asked);
        for (TopicPartition tp : assignment) {
            Long end = ends.get(tp);
            if (end == null) continue;
            ArrayDeque<Probe> q = pending.computeIfAbsent(tp, k -> new ArrayDeque<>());
            if (q.size() < PENDING) q.addLast(new Probe(asked, end)); // full: the oldest prove first, then room again
        }
    }

    /** The partition's position is {@code position}: the probes whose end offset it reached prove their time. */
    private void reached(ArrayDeque<Probe> q, TopicPartition tp, long position) {
        long provenAt = Long.MIN_VALUE;
        while (!q.isEmpty() && q.peekFirst().endOffset() <= position) provenAt = q.removeFirst().askedAt();
        if (provenAt != Long.MIN_VALUE) proven.merge(tp, provenAt, Math::max);
    }

    /** Partitions assigned at the last poll. */
    int assigned() {
        return assigned;
    }

    /** True while the consumer's watermark lags by more than its blindAfter. */
    boolean isBlind() {
        return watermark.isBlind(clock.millis());
    }

    void close() {
        watermark.close();
    }
}

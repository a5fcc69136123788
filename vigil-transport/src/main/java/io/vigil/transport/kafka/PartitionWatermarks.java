package io.vigil.transport.kafka;

import io.vigil.ingest.Watermark;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
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
 * the high watermark, as the broker saw it when it answered, after {@code T}; so every record appended before
 * {@code T} lies below it). A partition whose position (the next record a poll would return: every record before it
 * has been handed to the receiver) has reached that end offset has heard everything appended before {@code T}: its
 * watermark moves to {@code T}. The consumer's {@link Watermark} is the oldest of its assigned partitions'.
 *
 * <p>A probe is sent only after a poll that left every partition read to the end the last fetch answer showed
 * ({@code currentLag == 0}), at most every {@link #PROBE_EVERY_MILLIS} ms; the consumer polls that often when idle.
 * So the watermark runs one probe interval plus one round trip behind the clock. (It used to move on fetch answers,
 * to the start of the poll before the answering one: up to two poll timeouts, ~0.4 s, behind; and a fetch answer
 * has no send time the consumer could see, which the probe has.) After a probe that failed (the broker did not
 * answer within the poll timeout) the next one waits for a fetch answer, so a broker outage does not hold the poll
 * thread in probes.
 *
 * <p>It does not move while the broker does not answer, while a partition is being caught up, or (default mode)
 * while no partition is assigned. In partition mode an instance with no partition has no source of this channel:
 * its watermark follows the clock. Time comes from the engine's clock.
 *
 * <p>Poll thread only, except the getters.
 */
final class PartitionWatermarks {
    private static final Logger log = LoggerFactory.getLogger(PartitionWatermarks.class);
    /** At most one end-offset probe per this many ms: how far behind the clock the watermark runs when all is well. */
    static final long PROBE_EVERY_MILLIS = 20;

    private final Watermark watermark;
    private final Clock clock;
    private final boolean partitionMode;
    private final Duration probeTimeout;
    private final Map<TopicPartition, Long> proven = new HashMap<>();
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
        if (assignment.isEmpty()) {
            if (partitionMode) watermark.advanceTo(previousPollStart);
            return;
        }
        boolean readToKnownEnd = true;
        for (TopicPartition tp : assignment) {
            OptionalLong lag = consumer.currentLag(tp);
            readToKnownEnd &= lag.isPresent() && lag.getAsLong() == 0;
        }
        if (readToKnownEnd && (answered || probeAnswered)) probe(consumer, assignment);
        long min = Long.MAX_VALUE;
        for (TopicPartition tp : assignment) {
            Long w = proven.get(tp);
            if (w == null) return; // a partition not caught up yet holds the channel
            min = Math.min(min, w);
        }
        watermark.advanceTo(min);
    }

    /**
     * Asks the broker for the end offsets, at most every {@link #PROBE_EVERY_MILLIS} ms: a partition whose position
     * has reached its end offset has heard everything appended before the request went out.
     */
    private void probe(Consumer<?, ?> consumer, Set<TopicPartition> assignment) {
        long asked = clock.millis();
        if (lastProbeMillis != Long.MIN_VALUE && asked - lastProbeMillis < PROBE_EVERY_MILLIS) return;
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
        for (TopicPartition tp : assignment) {
            Long end = ends.get(tp);
            if (end != null && consumer.position(tp) >= end) prove(tp, asked);
        }
    }

    private void prove(TopicPartition tp, long millis) {
        proven.merge(tp, millis, Math::max);
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

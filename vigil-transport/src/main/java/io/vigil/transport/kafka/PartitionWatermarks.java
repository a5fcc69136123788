package io.vigil.transport.kafka;

import io.vigil.ingest.Watermark;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health job of {@link KafkaHeartbeatConsumer}, as a watermark per partition. After a poll that got a fetch
 * answer (the consumer's {@code fetch-total} moved, or records came), a partition the consumer has read to the end
 * ({@code currentLag == 0}) has proven it heard every record appended before the previous poll started (the fetch
 * that answered may have been sent then): its watermark moves to that time. The consumer's {@link Watermark} is the
 * oldest of its assigned partitions'. It does not move while the broker does not answer, while a partition is being
 * caught up, or (default mode) while no partition is assigned. In partition mode an instance with no partition has
 * no source of this channel: its watermark follows the clock. Time comes from the engine's clock.
 *
 * <p>Limit: fetch answers are counted per consumer, not per broker: with several brokers, a partition whose leader
 * is down while others answer keeps the lag it last saw.
 *
 * <p>Poll thread only, except the getters.
 */
final class PartitionWatermarks {
    private static final Logger log = LoggerFactory.getLogger(PartitionWatermarks.class);

    private final Watermark watermark;
    private final Clock clock;
    private final boolean partitionMode;
    private final Map<TopicPartition, Long> proven = new HashMap<>();
    private Metric fetchTotal;
    private double lastFetchTotal = -1;
    private long previousPollStart;
    private long pollStart;
    private volatile int assigned;

    PartitionWatermarks(Watermark watermark, Clock clock, boolean partitionMode) {
        this.watermark = watermark;
        this.clock = clock;
        this.partitionMode = partitionMode;
        this.pollStart = clock.millis();
        this.previousPollStart = pollStart;
    }

    void open(KafkaConsumer<?, ?> consumer) {
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
    void pollAnswered(KafkaConsumer<?, ?> consumer, boolean gotRecords) {
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
        if (answered) {
            for (TopicPartition tp : assignment) {
                OptionalLong lag = consumer.currentLag(tp);
                if (lag.isPresent() && lag.getAsLong() == 0) proven.put(tp, previousPollStart);
            }
        }
        long min = Long.MAX_VALUE;
        for (TopicPartition tp : assignment) {
            Long w = proven.get(tp);
            if (w == null) return; // a partition not caught up yet holds the channel
            min = Math.min(min, w);
        }
        watermark.advanceTo(min);
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

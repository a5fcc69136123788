package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.config.KafkaIngest;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.Sink;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.metrics.VigilMetrics;
import io.vigil.transport.kafka.KafkaHeartbeatConsumer;
import io.vigil.transport.kafka.KafkaIngestSettings;
import io.vigil.transport.kafka.KafkaSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Builds the Kafka ingest and sink from configuration and binds their meters (the Kafka capability's only contact
 * with the server). Meter names are listed in {@code docs/kafka.md}.
 */
final class KafkaWiring {
    private KafkaWiring() {
    }

    /**
     * A {@code publish[] type: kafka} sink. Its send-to-acknowledgement latency is recorded in
     * {@code vigil_kafka_sink_latency_seconds{sink}} (a timer looked up by name, so a sink rebuilt on reload keeps it).
     */
    static Sink sink(String name, PublishTarget.Kafka target, VigilMetrics metrics) {
        return new KafkaSink(name, target.bootstrapServers(), target.topic(), target.properties(),
                latencyTimer(name, metrics.registry()));
    }

    /**
     * A Kafka sink's send → acknowledgement hook, {@code vigil_kafka_sink_latency_seconds} in {@code registry}. The
     * warm-up's sink takes one too (on its scratch registry): one class, so the producer's callback compiled in the
     * warm-up is the one a real storm runs.
     */
    static java.util.function.LongConsumer latencyTimer(String name, MeterRegistry registry) {
        return new LatencyTimer(Timer.builder("vigil_kafka_sink_latency_seconds")
                .description("time from handing a change event to the Kafka producer to the broker's acknowledgement (acks=all)")
                .tag("sink", name).publishPercentiles(0.5, 0.99).register(registry));
    }

    private record LatencyTimer(Timer timer) implements java.util.function.LongConsumer {
        @Override
        public void accept(long nanos) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A Kafka sink without latency metrics (worker sinks of the collect capability). */
    static Sink sink(String name, PublishTarget.Kafka target) {
        return new KafkaSink(name, target.bootstrapServers(), target.topic(), target.properties(), null);
    }

    /** Starts consuming {@code ingest.kafka}; closing the result stops the consumer and removes its meters. */
    static AutoCloseable startIngest(KafkaIngest kafka, HeartbeatReceiver receiver, VigilMetrics metrics, String instanceId) {
        return startIngest(kafka, receiver, metrics, null, instanceId);
    }

    /**
     * Starts consuming {@code ingest.kafka}, telling {@code ownership} (if not null) about partition assignments:
     * active-active over partitions (docs/ha.md).
     */
    static AutoCloseable startIngest(KafkaIngest kafka, HeartbeatReceiver receiver, VigilMetrics metrics,
                                     io.vigil.transport.kafka.@Nullable PartitionOwnership ownership, String instanceId) {
        Map<String, String> properties = new java.util.HashMap<>(kafka.properties());
        String member = kafka.groupInstanceIdFor(instanceId);
        if (member == null) properties.remove("group.instance.id");
        else properties.put("group.instance.id", member);
        KafkaIngestSettings settings = KafkaIngestSettings.of(kafka.bootstrapServers(), kafka.topics(), kafka.groupId())
                .withClientProperties(properties)
                .withDeadLetterTopic(kafka.deadLetterTopic());
        KafkaHeartbeatConsumer consumer = new KafkaHeartbeatConsumer(receiver, settings, ownership);
        List<Meter> meters = bind(consumer, metrics.registry());
        if (ownership != null) {
            meters.add(counter(metrics.registry(), "vigil_kafka_forwarded_records_total",
                    "records copied to the partition of their sources because they arrived on another one", consumer,
                    KafkaHeartbeatConsumer::forwarded));
        }
        try {
            consumer.start();
        } catch (RuntimeException e) {
            meters.forEach(metrics.registry()::remove);
            throw new IllegalStateException("ingest.kafka: cannot create the Kafka consumer for " + kafka.bootstrapServers()
                    + " (check ingest.kafka.properties): " + e.getMessage(), e);
        }
        return () -> {
            consumer.close();
            meters.forEach(metrics.registry()::remove);
        };
    }

    private static List<Meter> bind(KafkaHeartbeatConsumer c, MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        meters.add(counter(registry, "vigil_kafka_records_total", "Kafka records read (rate() gives records/s)", c,
                KafkaHeartbeatConsumer::records));
        meters.add(Gauge.builder("vigil_kafka_records_per_second", c, KafkaHeartbeatConsumer::recordsPerSecond)
                .description("Kafka records read over the last second").register(registry));
        meters.add(Gauge.builder("vigil_kafka_consumer_lag_records", c, KafkaHeartbeatConsumer::lag)
                .description("records on the assigned partitions not yet read").register(registry));
        meters.add(Gauge.builder("vigil_kafka_assigned_partitions", c, KafkaHeartbeatConsumer::assignedPartitions)
                .description("Kafka partitions assigned to this consumer").register(registry));
        meters.add(counter(registry, "vigil_kafka_poison_records_total", "records skipped as not JSON / not VES / no usable event", c,
                KafkaHeartbeatConsumer::poisonRecords));
        meters.add(counter(registry, "vigil_kafka_dead_lettered_total", "poison records copied to the dead-letter topic", c,
                KafkaHeartbeatConsumer::deadLettered));
        meters.add(counter(registry, "vigil_kafka_dead_letter_failures_total", "poison records whose dead-letter copy failed", c,
                KafkaHeartbeatConsumer::deadLetterFailures));
        meters.add(counter(registry, "vigil_kafka_commits_total", "offset commits (each after a store checkpoint)", c,
                KafkaHeartbeatConsumer::commits));
        meters.add(counter(registry, "vigil_kafka_commit_failures_total", "failed offset commits (a later one covers them)", c,
                KafkaHeartbeatConsumer::commitFailures));
        meters.add(counter(registry, "vigil_kafka_poll_errors_total", "polls that failed", c, KafkaHeartbeatConsumer::pollErrors));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", c, x -> x.accepted())
                .description("heartbeats received per ingest channel and result").tags("channel", "kafka", "result", "accepted").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", c, x -> x.unknownEventName())
                .description("heartbeats received per ingest channel and result").tags("channel", "kafka", "result", "unknown_event_name").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", c, x -> x.notOwner())
                .description("heartbeats received per ingest channel and result").tags("channel", "kafka", "result", "not_owner").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_heartbeats_total", c, x -> x.sourceLimit())
                .description("heartbeats received per ingest channel and result").tags("channel", "kafka", "result", "source_limit").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_rejected_total", c, x -> x.poisonRecords())
                .description("rejected ingest bodies or items per channel and reason").tags("channel", "kafka", "reason", "poison_record").register(registry));
        meters.add(FunctionCounter.builder("vigil_ingest_rejected_total", c, x -> x.invalidEvents())
                .description("rejected ingest bodies or items per channel and reason").tags("channel", "kafka", "reason", "invalid_event").register(registry));
        return meters;
    }

    private static Meter counter(MeterRegistry registry, String name, String description, KafkaHeartbeatConsumer c,
                                 ToDoubleFunction<KafkaHeartbeatConsumer> f) {
        return FunctionCounter.builder(name, c, f).description(description).register(registry);
    }
}

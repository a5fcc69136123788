package io.vigil.transport.kafka;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter job of {@link KafkaHeartbeatConsumer}: a poison record (not JSON, not VES, empty, no usable event)
 * is counted, logged with its topic, partition and offset (throttled), and copied to the dead-letter topic when one
 * is configured (original key, value and headers plus {@code vigil.dead-letter.*} headers naming the origin and
 * reason). Its offset is committed only after the copy was acknowledged or finally failed (logged at ERROR).
 * Single bad events inside a usable record are counted and logged only. Poll thread only; counters thread-safe.
 */
final class DeadLetters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    /** Log the first few bad records individually, then every Nth: a topic full of garbage must not flood the log. */
    private static final long LOG_FIRST_BAD = 10;
    private static final long LOG_EVERY_NTH_BAD = 1000;

    private final KafkaIngestSettings settings;
    private final OffsetCheckpoints offsets;
    private KafkaProducer<byte[], byte[]> producer;
    private final AtomicLong poison = new AtomicLong();
    private final AtomicLong invalidEvents = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    DeadLetters(KafkaIngestSettings settings, OffsetCheckpoints offsets) {
        this.settings = settings;
        this.offsets = offsets;
    }

    /** Creates the producer when a dead-letter topic is configured (a bad property fails here, with Kafka's message). */
    void open() {
        if (settings.deadLetterTopic().isPresent()) {
            producer = new KafkaProducer<>(KafkaSink.producerProperties(settings.bootstrapServers(), settings.clientProperties(),
                    "vigil-dead-letters"), new ByteArraySerializer(), new ByteArraySerializer());
        }
    }

    void poison(ConsumerRecord<byte[], byte[]> r, String reason) {
        long n = poison.incrementAndGet();
        if (n <= LOG_FIRST_BAD || n % LOG_EVERY_NTH_BAD == 0) {
            log.warn("Skipped a poison Kafka record ({} so far) at {}-{} offset {}: {}{}", n, r.topic(), r.partition(), r.offset(), reason,
                    producer == null ? "" : "; copied to " + settings.deadLetterTopic().get());
        }
        if (producer == null) return;
        String topic = settings.deadLetterTopic().get();
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(topic, null, r.key(), r.value(), r.headers());
        copy.headers().add(new RecordHeader("vigil.dead-letter.topic", utf8(r.topic())));
        copy.headers().add(new RecordHeader("vigil.dead-letter.partition", utf8(Integer.toString(r.partition()))));
        copy.headers().add(new RecordHeader("vigil.dead-letter.offset", utf8(Long.toString(r.offset()))));
        copy.headers().add(new RecordHeader("vigil.dead-letter.reason", utf8(reason)));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(copy, (md, error) -> {
                if (error == null) {
                    deadLettered.incrementAndGet();
                } else {
                    failures.incrementAndGet();
                    log.error("Could not copy the poison record {}-{} offset {} to {}: {}; it is skipped anyway", r.topic(), r.partition(),
                            r.offset(), topic, error.toString());
                }
                sent.complete(null);
            });
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            log.error("Could not copy the poison record {}-{} offset {} to {}: {}", r.topic(), r.partition(), r.offset(), topic, e.toString());
            sent.complete(null);
        }
        offsets.awaitBeforeCommit(sent);
    }

    void invalid(ConsumerRecord<byte[], byte[]> r, String reason) {
        long n = invalidEvents.incrementAndGet();
        if (n <= LOG_FIRST_BAD || n % LOG_EVERY_NTH_BAD == 0) {
            log.warn("Skipped an invalid event ({} so far) in Kafka record {}-{} offset {}: {}", n, r.topic(), r.partition(), r.offset(), reason);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    long poisonRecords() {
        return poison.get();
    }

    long invalidEvents() {
        return invalidEvents.get();
    }

    long deadLettered() {
        return deadLettered.get();
    }

    long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        if (producer != null) producer.close(settings.closeTimeout());
    }
}

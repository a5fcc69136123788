package io.vigil.transport.kafka;

import io.vigil.ves.Heartbeat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The misrouted-records job of {@link KafkaHeartbeatConsumer} (partition mode): a heartbeat of another partition's
 * source ({@link SourcePartitioner}) arrived here because its producer did not key it by sourceName. The record is
 * copied unchanged to each partition its misrouted heartbeats belong to, keyed by one of those sourceNames, with
 * header {@link KafkaHeartbeatConsumer#FORWARDED_HEADER} so that it is never forwarded twice; its offset is committed
 * only once the copies are acknowledged. Poll thread only; the counter is thread-safe.
 */
final class MisroutedRecords implements AutoCloseable {
    private final KafkaIngestSettings settings;
    private final OffsetCheckpoints offsets;
    private KafkaProducer<byte[], byte[]> producer;
    /** Partitions of the topic, read at every assignment; 0 before the first. */
    private int partitionCount;
    private final AtomicLong forwarded = new AtomicLong();

    MisroutedRecords(KafkaIngestSettings settings, OffsetCheckpoints offsets) {
        this.settings = settings;
        this.offsets = offsets;
    }

    void open() {
        producer = new KafkaProducer<>(KafkaSink.producerProperties(settings.bootstrapServers(), settings.clientProperties(),
                "vigil-forwarder"), new ByteArraySerializer(), new ByteArraySerializer());
    }

    void partitionCount(int count) {
        partitionCount = count;
    }

    int partitionCount() {
        return partitionCount;
    }

    /** The partition {@code hb} belongs to when it came on another one and was not forwarded already; else -1. */
    int homeOf(ConsumerRecord<byte[], byte[]> r, Heartbeat hb) {
        if (partitionCount <= 0 || r.headers().lastHeader(KafkaHeartbeatConsumer.FORWARDED_HEADER) != null) return -1;
        int home = SourcePartitioner.partitionOf(hb.sourceName(), partitionCount);
        return home == r.partition() ? -1 : home;
    }

    /**
     * Copies a record holding heartbeats of another partition's sources to that partition, keyed by one of those
     * sourceNames; the owner there takes its own sources and drops the others (they get their own copies).
     */
    void forward(ConsumerRecord<byte[], byte[]> r, int partition, String sourceName) {
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(r.topic(), partition, DeadLetters.utf8(sourceName), r.value(), r.headers());
        copy.headers().add(new RecordHeader(KafkaHeartbeatConsumer.FORWARDED_HEADER, DeadLetters.utf8(r.partition() + "@" + r.offset())));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(copy, (md, error) -> {
                if (error == null) {
                    forwarded.incrementAndGet();
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(error); // the offset is not committed: re-read and forwarded again
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        offsets.awaitBeforeCommit(sent);
    }

    long forwarded() {
        return forwarded.get();
    }

    @Override
    public void close() {
        if (producer != null) producer.close(settings.closeTimeout());
    }
}

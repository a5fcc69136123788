package io.vigil.server.ha;

import io.vigil.http.HeartbeatRoute;
import io.vigil.transport.kafka.KafkaSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * In {@code ha.mode: kafka-partitions}, HTTP heartbeats reach the instance that owns their source through the
 * heartbeat topic: the VES body is written to the topic unchanged, keyed by its (first) sourceName, and the request
 * is answered 202 only once the broker acknowledged it ({@code acks=all}). A batch holding several sources lands on
 * the first one's partition; its owner forwards the record to the other sources' partitions (see
 * {@code KafkaHeartbeatConsumer}). Thread-safe.
 */
public final class KafkaHeartbeatRouter implements HeartbeatRoute.Publisher, AutoCloseable {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    public KafkaHeartbeatRouter(String bootstrapServers, String topic, Map<String, String> clientProperties) {
        this.topic = topic;
        this.producer = new KafkaProducer<>(KafkaSink.producerProperties(bootstrapServers, clientProperties, "vigil-http-router"),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes {@code body} to the topic keyed by {@code sourceName}; completes when the broker acknowledged it. */
    @Override
    public CompletableFuture<Void> publish(String sourceName, byte[] body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, sourceName.getBytes(StandardCharsets.UTF_8), body), (md, error) -> {
                if (error == null) done.complete(null);
                else done.completeExceptionally(error);
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

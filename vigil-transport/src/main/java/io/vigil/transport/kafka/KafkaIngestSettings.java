package io.vigil.transport.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how a {@link KafkaHeartbeatConsumer} consumes.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param topics           topics holding VES heartbeat events, e.g. {@code unauthenticated.SEC_HEARTBEAT_OUTPUT}
 * @param groupId          consumer group; offsets are committed under it
 * @param clientProperties Kafka client properties passed through to the consumer (and to the dead-letter producer,
 *                         for the keys a producer knows): SASL, TLS, {@code auto.offset.reset} …
 * @param deadLetterTopic  where poison records are copied, if anywhere
 * @param pollTimeout      longest a poll waits for records; bounds how late a commit is
 * @param blindAfter       the longest normal step of the consumer's watermark: a longer time without partitions or
 *                         without a fetch answer is blind time (a WARN; it does not count as silence of the sources);
 *                         must exceed the consumer's {@code fetch.max.wait.ms} (Vigil's default 20 ms, Kafka's 500)
 * @param closeTimeout     bound on the final checkpoint wait and commit at {@link KafkaHeartbeatConsumer#close()}
 */
public record KafkaIngestSettings(
        String bootstrapServers,
        List<String> topics,
        String groupId,
        Map<String, String> clientProperties,
        Optional<String> deadLetterTopic,
        Duration pollTimeout,
        Duration blindAfter,
        Duration closeTimeout) {

    public static final Duration DEFAULT_BLIND_AFTER = Duration.ofSeconds(2);

    public KafkaIngestSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("ingest.kafka.bootstrapServers must name at least one broker, e.g. kafka:9092");
        }
        topics = List.copyOf(topics);
        if (topics.isEmpty()) throw new IllegalArgumentException("ingest.kafka needs at least one topic");
        if (groupId == null || groupId.isBlank()) throw new IllegalArgumentException("ingest.kafka.groupId must not be empty");
        clientProperties = Map.copyOf(clientProperties);
        Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        if (pollTimeout.isNegative() || pollTimeout.isZero()) throw new IllegalArgumentException("pollTimeout must be > 0, got " + pollTimeout);
        if (blindAfter.toMillis() <= 500) throw new IllegalArgumentException("blindAfter must exceed 500 ms (fetch.max.wait.ms), got " + blindAfter);
        Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    /** Poll 200 ms, blind after {@link #DEFAULT_BLIND_AFTER}, close within 5 s, no dead-letter topic. */
    public static KafkaIngestSettings of(String bootstrapServers, List<String> topics, String groupId) {
        return new KafkaIngestSettings(bootstrapServers, topics, groupId, Map.of(), Optional.empty(),
                Duration.ofMillis(200), DEFAULT_BLIND_AFTER, Duration.ofSeconds(5));
    }

    public KafkaIngestSettings withClientProperties(Map<String, String> value) {
        return new KafkaIngestSettings(bootstrapServers, topics, groupId, value, deadLetterTopic, pollTimeout, blindAfter, closeTimeout);
    }

    public KafkaIngestSettings withDeadLetterTopic(String value) {
        return new KafkaIngestSettings(bootstrapServers, topics, groupId, clientProperties, Optional.ofNullable(value), pollTimeout, blindAfter, closeTimeout);
    }

    public KafkaIngestSettings withPollTimeout(Duration value) {
        return new KafkaIngestSettings(bootstrapServers, topics, groupId, clientProperties, deadLetterTopic, value, blindAfter, closeTimeout);
    }

    public KafkaIngestSettings withBlindAfter(Duration value) {
        return new KafkaIngestSettings(bootstrapServers, topics, groupId, clientProperties, deadLetterTopic, pollTimeout, value, closeTimeout);
    }
}

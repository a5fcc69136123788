package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Consuming VES heartbeats from Kafka. YAML {@code ingest.kafka}; ONAP: a {@code "type": "kafka"} stream.
 * Parsed and validated here; the consumer is {@code io.vigil.transport.kafka.KafkaHeartbeatConsumer}.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param topics           one or more topics (YAML {@code topic} or {@code topics}), never empty
 * @param groupId          consumer group; default {@value #DEFAULT_GROUP_ID}
 * @param properties       extra Kafka client properties passed through unchanged (SASL, TLS…)
 * @param deadLetterTopic  where poison records are copied before they are skipped; null: nowhere
 * @param groupInstanceId  the consumer's {@code group.instance.id} (static membership); null: the instance id
 *                         ({@code ha.instanceId}); {@value #DYNAMIC}: none (dynamic membership). A
 *                         {@code group.instance.id} in {@code properties} wins.
 */
public record KafkaIngest(String bootstrapServers, List<String> topics, String groupId, Map<String, String> properties,
                          @Nullable String deadLetterTopic, @Nullable String groupInstanceId) {
    public static final String DEFAULT_GROUP_ID = "vigil";
    /** {@code groupInstanceId: none}: dynamic group membership. */
    public static final String DYNAMIC = "none";

    public KafkaIngest {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        topics = List.copyOf(topics);
        if (groupId == null) groupId = DEFAULT_GROUP_ID;
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** Static membership under the instance id. */
    public KafkaIngest(String bootstrapServers, List<String> topics, String groupId, Map<String, String> properties,
                       @Nullable String deadLetterTopic) {
        this(bootstrapServers, topics, groupId, properties, deadLetterTopic, null);
    }

    /**
     * The {@code group.instance.id} the consumer uses on instance {@code instanceId}, or null for dynamic membership.
     */
    public @Nullable String groupInstanceIdFor(String instanceId) {
        String p = properties.get("group.instance.id");
        if (p != null) return p.isBlank() ? null : p;
        if (DYNAMIC.equals(groupInstanceId)) return null;
        return groupInstanceId != null ? groupInstanceId : instanceId;
    }

    /** Without a dead-letter topic. */
    public KafkaIngest(String bootstrapServers, List<String> topics, String groupId, Map<String, String> properties) {
        this(bootstrapServers, topics, groupId, properties, null);
    }
}

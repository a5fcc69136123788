package io.vigil.ha;

import io.vigil.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;

/** The configuration the multi-process HA tests run: PostgreSQL, one monitor, a webhook sink, a 2 s lease. */
final class HaCluster {
    static final String EVENT = "Heartbeat_vHA";
    static final Duration TTL = Duration.ofSeconds(2);

    private HaCluster() {
    }

    /**
     * Threshold 2 s (1 s × 2, ONAP's missed-count rule: the tests count alarms against it), checkpoints every 200 ms,
     * a 3 s grace after a takeover (longer than a sender's retry
     * after a failed attempt during the takeover), lease TTL 2 s.
     */
    static String yaml(String jdbcUrl, String sinkUrl, String instanceId) {
        String password = TestDatabases.postgresPassword();
        return """
                http:
                  host: 127.0.0.1
                store:
                  url: %s
                  user: %s
                %s
                monitors:
                  - eventName: %s
                    heartbeatInterval: 1s
                    missedHeartbeats: 2
                    detector: {type: missed-count}
                detection:
                  checkpointInterval: 200ms
                  grace: 3s
                publish:
                  - type: webhook
                    url: %s
                ha:
                  enabled: true
                  leaseTtl: %dms
                  instanceId: %s
                """.formatted(jdbcUrl, TestDatabases.postgresUser(),
                password.isEmpty() ? "" : "  password: \"" + password + "\"", EVENT, sinkUrl, TTL.toMillis(), instanceId);
    }

    /**
     * {@link #yaml} in active-active mode, consuming {@code topic} as consumer group {@code group}, with a 6 s Kafka
     * session timeout so that a rebalance after a loss comes within the tests' deadlines.
     */
    static String partitionsYaml(String jdbcUrl, String sinkUrl, String instanceId, String bootstrapServers,
                                 String topic, String group) {
        return yaml(jdbcUrl, sinkUrl, instanceId) + """
                  mode: kafka-partitions
                ingest:
                  kafka:
                    bootstrapServers: %s
                    topic: %s
                    groupId: %s
                    properties:
                      heartbeat.interval.ms: "300"
                      session.timeout.ms: "6000"
                """.formatted(bootstrapServers, topic, group);
    }

    static Path dir(Path root, String id) {
        return root.resolve(id);
    }
}

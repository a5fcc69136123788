package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ha.mode}: active-standby by default; kafka-partitions only where it can work. */
class HaModeConfigTest {
    private static final String PG = "store: {url: 'jdbc:postgresql://db/vigil'}\n";
    private static final String KAFKA = "ingest:\n  kafka: {bootstrapServers: 'k:9092', topic: hb}\n";

    @Test
    void theDefaultModeIsActiveStandby() throws Exception {
        VigilConfig c = ConfigLoader.parse(PG + "ha: {enabled: true}\n", "t.yaml");
        assertThat(c.ha().mode()).isEqualTo(HaConfig.Mode.ACTIVE_STANDBY);
        assertThat(c.ha().partitioned()).isFalse();
    }

    @Test
    void kafkaPartitionsWithKafkaIngestAndPostgresIsAccepted() throws Exception {
        VigilConfig c = ConfigLoader.parse(PG + KAFKA + "ha: {enabled: true, mode: kafka-partitions}\n", "t.yaml");
        assertThat(c.ha().partitioned()).isTrue();
        assertThat(ConfigJson.toTree(c, true).path("ha").path("mode").asText()).isEqualTo("kafka-partitions");
    }

    @Test
    void kafkaPartitionsNamesEverythingItLacks() {
        assertThat(ConfigErrors.of("ha: {mode: kafka-partitions}\ningest:\n  dmaap: {url: 'http://mr/events/T'}\n")).containsExactly(
                "ha.mode: kafka-partitions needs ha.enabled: true",
                "ha.mode: kafka-partitions needs a store every instance shares: set store.url to a PostgreSQL JDBC URL",
                "ha.mode: kafka-partitions needs ingest.kafka: the partitions of its topic decide which instance detects which source",
                "ha.mode: kafka-partitions takes heartbeats from Kafka only: remove ingest.dmaap (bridge the Message Router "
                        + "topic into Kafka), or use the default active-standby mode");
        assertThat(ConfigErrors.of(PG + "ingest:\n  kafka: {bootstrapServers: 'k:9092', topics: [a, b]}\nha: {enabled: true, mode: kafka-partitions}\n"))
                .containsExactly("ha.mode: kafka-partitions needs exactly one ingest.kafka topic (got [a, b]): a source's partition must be one place");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, mode: sharded}\n"))
                .containsExactly("ha.mode: must be active-standby or kafka-partitions (got \"sharded\")");
    }
}

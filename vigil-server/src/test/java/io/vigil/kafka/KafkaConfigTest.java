package io.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.KafkaIngest;
import io.vigil.config.PublishTarget;
import io.vigil.config.VigilConfig;
import org.junit.jupiter.api.Test;

/** The Kafka keys of both config formats, as the Kafka wiring reads them. */
class KafkaConfigTest {

    @Test
    void yamlDeadLetterTopicIsReadAndKeptInTheNormalisedForm() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                monitors: [{eventName: E, heartbeatInterval: 1}]
                ingest:
                  kafka: {bootstrapServers: 'k1:9092,k2:9092', topic: hb, groupId: g, deadLetterTopic: hb.dead,
                          properties: {security.protocol: SASL_SSL}}
                """, "test.yaml");
        KafkaIngest k = c.ingest().kafka();
        assertThat(k.deadLetterTopic()).isEqualTo("hb.dead");
        assertThat(k.properties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(io.vigil.config.ConfigJson.toTree(c, false).at("/ingest/kafka/deadLetterTopic").asText()).isEqualTo("hb.dead");
    }

    @Test
    void deadLetterTopicEqualToAConsumedTopicOrNotATopicNameIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                ingest: {kafka: {bootstrapServers: k, topics: [a, b], deadLetterTopic: b}}
                """, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ingest.kafka.deadLetterTopic: must differ from the consumed topics");
        assertThatThrownBy(() -> ConfigLoader.parse("""
                ingest: {kafka: {bootstrapServers: k, topic: a, deadLetterTopic: 'bad name!'}}
                """, "test.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ingest.kafka.deadLetterTopic: not a valid Kafka topic name");
    }

    @Test
    void onapKafkaStreamsBecomeKafkaIngestAndSinkWithOnapTopicNamesAndGroup() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                {"heartbeat_config": {"vnfs": [{"eventName": "Heartbeat_vDNS", "heartbeatcountmissed": 3, "heartbeatinterval": 60}]},
                 "groupID": "hbgrp",
                 "streams_subscribes": {"ves-heartbeat": {"type": "kafka",
                     "kafka_info": {"bootstrap_servers": "onap-strimzi-kafka-bootstrap:9092", "topic_name": "unauthenticated.SEC_HEARTBEAT_OUTPUT"}}},
                 "streams_publishes": {"dcae_cl_out": {"type": "kafka",
                     "kafka_info": {"bootstrap_servers": "onap-strimzi-kafka-bootstrap:9092", "topic_name": "unauthenticated.DCAE_CL_OUTPUT"}}}}
                """, "onap.json");
        assertThat(c.ingest().kafka().topics()).containsExactly("unauthenticated.SEC_HEARTBEAT_OUTPUT");
        assertThat(c.ingest().kafka().groupId()).isEqualTo("hbgrp");
        assertThat(c.ingest().kafka().deadLetterTopic()).isNull();
        assertThat(c.publish()).containsExactly(new PublishTarget.Kafka("onap-strimzi-kafka-bootstrap:9092", "unauthenticated.DCAE_CL_OUTPUT", null));
    }
}

package io.vigil.config;

import io.vigil.secret.BasicAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ONAP's heartbeat-service JSON, read unchanged. */
class OnapConfigTest {

    @Test
    void exampleMapsEveryOnapKey() throws Exception {
        VigilConfig c = ConfigLoader.load(ProjectFiles.example("onap-config.json"));

        assertThat(c.source()).isEqualTo(ConfigSource.ONAP_JSON);
        assertThat(c.monitors()).containsExactly(
                new Monitor("Heartbeat_vDNS", Duration.ofSeconds(60), 3, TimeBase.EVENT,
                        new ClosedLoop("ControlLoopEvent1", "vFireWall", "1.0.0.5",
                                "resource=sampleResource,type=sampletype,CLName=sampleCLName",
                                TargetType.VNF, "genVnfName", "1.0")),
                new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 2, TimeBase.EVENT,
                        new ClosedLoop("ControlLoopEvent2", "vFW-restart", "2.0", "resource=vFW",
                                TargetType.VM, "vserver.vserver-name", "2.0")));
        DmaapIngest dmaap = c.ingest().dmaap();
        assertThat(dmaap.url()).isEqualTo("http://message-router:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT");
        assertThat(dmaap.group()).isEqualTo("hbgrp");
        assertThat(dmaap.consumer()).isEqualTo("1");
        assertThat(dmaap.pollTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.ingest().kafka()).isNull();
        assertThat(c.publish()).containsExactly(
                new PublishTarget.Dmaap("http://message-router:3904/events/unauthenticated.DCAE_CL_OUTPUT", null));
        assertThat(c.store()).isEqualTo(new StoreConfig("jdbc:postgresql://127.0.0.1:5432/heartbeat", "postgres", ""));
        assertThat(c.remote()).isEqualTo(new RemoteSettings(null, Duration.ofSeconds(300)));
        assertThat(c.http()).isEqualTo(HttpConfig.defaults());
        // replicas on one PostgreSQL form an active/standby group by themselves, as ONAP's do
        assertThat(c.ha().enabled()).isTrue();
        assertThat(c.ha().mode()).isEqualTo(HaConfig.Mode.ACTIVE_STANDBY);
        assertThat(c.ha().leaseTtl()).isEqualTo(HaConfig.DEFAULT_LEASE_TTL);
    }

    @Test
    void heartbeatConfigAsObjectEqualsHeartbeatConfigAsString() throws Exception {
        String vnfs = "{\"vnfs\":[{\"eventName\":\"Heartbeat_vFW\",\"heartbeatcountmissed\":2,\"heartbeatinterval\":30,"
                + "\"target_type\":\"VM\",\"target\":\"vm1\"}]}";
        VigilConfig asObject = ConfigLoader.parse("{\"heartbeat_config\": " + vnfs + "}", "object");
        VigilConfig asString = ConfigLoader.parse("{\"heartbeat_config\": " + quote(vnfs) + "}", "string");

        assertThat(asObject).isEqualTo(asString);
        assertThat(asObject.monitors().get(0).closedLoop().targetType()).isEqualTo(TargetType.VM);
    }

    @Test
    void numbersWrittenAsStringsAreNumbers() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                {"pg_ipAddress": "db", "pg_portNum": "6543", "pg_dbName": "hb",
                 "CBS_polling_allowed": true, "CBS_polling_interval": "45",
                 "heartbeat_config": {"vnfs": [{"eventName": "E", "heartbeatinterval": "20", "heartbeatcountmissed": "4"}]}}
                """, "strings");

        assertThat(c.monitors().get(0).heartbeatInterval()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.monitors().get(0).missedHeartbeats()).isEqualTo(4);
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://db:6543/hb");
        assertThat(c.remote().pollInterval()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void pollingNotAllowedMeansNoPeriodicPolling() throws Exception {
        VigilConfig c = ConfigLoader.parse("{\"CBS_polling_allowed\": \"False\", \"CBS_polling_interval\": \"300\"}", "x");
        assertThat(c.remote().pollInterval()).isNull();
    }

    @Test
    void noPgKeysMeansTheEmbeddedStoreAndNoPublishStreamMeansTheLog() throws Exception {
        VigilConfig c = ConfigLoader.parse("{\"heartbeat_config\": {\"vnfs\": []}}", "x");
        assertThat(c.store().isDefault()).isTrue();
        assertThat(c.publish()).containsExactly(new PublishTarget.Log());
        assertThat(c.ingest()).isEqualTo(IngestConfig.NONE);
    }

    @Test
    void unknownOnapKeysAreIgnored() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                {"groupID": "g", "consumerID": "c", "heartbeat_name": "dcae-heartbeat-service", "replicas": 1,
                 "streams_subscribes": {"ves-heartbeat": {"type": "message_router",
                    "dmaap_info": {"topic_url": "http://mr:3904/events/IN", "client_role": "x"}}, "other": {}},
                 "heartbeat_config": {"vnfs": [{"eventName": "E", "heartbeatinterval": 1, "heartbeatcountmissed": 1,
                    "someNewField": true}], "extra": 1}}
                """, "x");
        assertThat(c.ingest().dmaap()).isEqualTo(new DmaapIngest("http://mr:3904/events/IN", "g", "c", null, 0, null));
    }

    @Test
    void kafkaStreamsMapToKafkaIngestAndKafkaPublish() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                {"groupID": "hbgrp",
                 "streams_subscribes": {"ves-heartbeat": {"type": "kafka",
                    "kafka_info": {"bootstrap_servers": "k1:9092,k2:9092", "topic_name": "unauthenticated.SEC_HEARTBEAT_OUTPUT"}}},
                 "streams_publishes": {"dcae_cl_out": {"type": "kafka",
                    "kafka_info": {"bootstrap_servers": "k1:9092", "topic_name": "unauthenticated.DCAE_CL_OUTPUT"}}}}
                """, "x");
        assertThat(c.ingest().dmaap()).isNull();
        assertThat(c.ingest().kafka()).isEqualTo(new KafkaIngest("k1:9092,k2:9092",
                List.of("unauthenticated.SEC_HEARTBEAT_OUTPUT"), "hbgrp", null));
        assertThat(c.publish()).containsExactly(new PublishTarget.Kafka("k1:9092", "unauthenticated.DCAE_CL_OUTPUT", null));
    }

    @Test
    void messageRouterCredentialsNextToTheTopicUrlAreUsed() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                {"streams_subscribes": {"ves-heartbeat": {"type": "message_router",
                   "dmaap_info": {"topic_url": "https://mr:3905/events/IN"}, "aaf_username": "ignored-here"}},
                 "streams_publishes": {"dcae_cl_out": {"dmaap_info": {"topic_url": "https://mr:3905/events/OUT",
                   "aaf_username": "dcae@dcae.onap.org", "aaf_password": "pw"}}}}
                """, "x");
        assertThat(c.publish()).containsExactly(new PublishTarget.Dmaap("https://mr:3905/events/OUT",
                new BasicAuth("dcae@dcae.onap.org", "pw")));
    }

    @Test
    void bindingServiceAnswerWrappedInConfigIsUnwrapped() throws Exception {
        String onap = Files.readString(ProjectFiles.example("onap-config.json"));
        VigilConfig wrapped = ConfigLoader.parse("{\"config\": " + onap + ", \"policies\": {}}", "cbs");
        assertThat(wrapped).isEqualTo(ConfigLoader.parse(onap, "plain"));
    }

    @Test
    void onapErrorsNameOnapKeysAndAreAllReported() {
        String vnfs = "{\"vnfs\":[{\"eventName\":\"A\",\"heartbeatinterval\":\"-3\",\"heartbeatcountmissed\":0},"
                + "{\"heartbeatinterval\":60,\"heartbeatcountmissed\":3,\"target_type\":\"PNF\"},"
                + "{\"eventName\":\"A\",\"heartbeatcountmissed\":3}]}";
        assertThatThrownBy(() -> ConfigLoader.parse("""
                {"pg_ipAddress": "db", "pg_portNum": "fifty",
                 "CBS_polling_allowed": "maybe",
                 "streams_subscribes": {"ves-heartbeat": {"type": "message_router", "dmaap_info": {}}},
                 "heartbeat_config": %s}
                """.formatted(quote(vnfs)), "onap.json"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::toString)
                        .containsExactlyInAnyOrder(
                                "heartbeat_config.vnfs[0].heartbeatinterval: must be a positive duration like 500ms, 2s, 5m (got \"-3\")",
                                "heartbeat_config.vnfs[0].heartbeatcountmissed: must be an integer from 1 to 2147483647 (got \"0\")",
                                "heartbeat_config.vnfs[1].eventName: required: the VES eventName to monitor",
                                "heartbeat_config.vnfs[1].target_type: must be one of VNF, VM (got \"PNF\")",
                                "heartbeat_config.vnfs[2].heartbeatinterval: required: seconds between two heartbeats",
                                "heartbeat_config.vnfs: duplicate eventName \"A\" (also heartbeat_config.vnfs[0])",
                                "pg_portNum: must be an integer from 1 to 65535 (got \"fifty\")",
                                "pg_dbName: required with pg_ipAddress: the PostgreSQL database name",
                                "streams_subscribes.ves-heartbeat.dmaap_info.topic_url: required for a message_router stream: the topic URL",
                                "CBS_polling_allowed: must be true or false (got \"maybe\")"));
    }

    @Test
    void heartbeatConfigStringThatIsNotJsonIsOneError() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"heartbeat_config\": \"{\\\"vnfs\\\": [\"}", "x"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).singleElement()
                        .satisfies(err -> {
                            assertThat(err.path()).isEqualTo("heartbeat_config");
                            assertThat(err.reason()).startsWith("is a string but not valid JSON");
                        }));
    }

    @Test
    void heartbeatConfigWithoutVnfsIsAnError() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"heartbeat_config\": \"{}\"}", "x"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::path)
                        .containsExactly("heartbeat_config.vnfs"));
    }

    @Test
    void documentMixingOnapAndVigilKeysIsRejected() {
        assertThatThrownBy(() -> ConfigLoader.parse("{\"groupID\": \"g\", \"monitors\": []}", "x"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors().get(0).reason())
                        .contains("mixes ONAP keys (groupID) with Vigil keys (monitors)"));
    }

    @Test
    void onapYamlPropertiesAreReadByKeysToo() throws Exception {
        // ONAP's fallback hbproperties.yaml uses the same pg_* / CBS_* keys in YAML (unquoted True, numbers)
        VigilConfig c = ConfigLoader.load(ProjectFiles.resource("onap-hbproperties.yaml"));
        assertThat(c.source()).isEqualTo(ConfigSource.ONAP_JSON);
        assertThat(c.store()).isEqualTo(new StoreConfig("jdbc:postgresql://db.example:5433/heartbeat", "hb", "secret"));
        assertThat(c.remote().pollInterval()).isEqualTo(Duration.ofMinutes(2));
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

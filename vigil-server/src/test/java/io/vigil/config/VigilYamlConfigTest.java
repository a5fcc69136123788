package io.vigil.config;

import io.vigil.secret.BasicAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Vigil's own YAML: keys, defaults and the shipped example. */
class VigilYamlConfigTest {
    /** What a YAML monitor without detection keys gets (ONAP JSON monitors get DetectionRules.DEFAULT: missed-count). */
    private static final DetectionRules YAML_DEFAULT = new DetectionRules(DetectorSpec.MISSED_COUNT, List.of(), 1, null);


    @Test
    void shippedExampleLoadsWithEverySection() throws Exception {
        VigilConfig c = ConfigLoader.load(ProjectFiles.repoRoot().resolve("examples/vigil.yaml"));

        assertThat(c.source()).isEqualTo(ConfigSource.YAML);
        assertThat(c.http()).isEqualTo(new HttpConfig(8080, "0.0.0.0", 1024 * 1024, null));
        assertThat(c.store()).isEqualTo(new StoreConfig("jdbc:postgresql://127.0.0.1:5432/vigil", "postgres", ""));
        assertThat(c.monitors()).containsExactly(
                new Monitor("Heartbeat_vDNS", Duration.ofSeconds(60), 3, TimeBase.EVENT,
                        new ClosedLoop("ControlLoopEvent1", "vFireWall", "1.0.0.5",
                                "resource=sampleResource,type=sampletype,CLName=sampleCLName",
                                TargetType.VNF, "genVnfName", "1.0")).withDetection(YAML_DEFAULT),
                new Monitor("Heartbeat_vFW", Duration.ofSeconds(30), 2, TimeBase.EVENT,
                        new ClosedLoop("ControlLoopEvent2", "vFW-restart", "2.0", "resource=vFW",
                                TargetType.VM, "vserver.vserver-name", "2.0")).withDetection(YAML_DEFAULT));
        assertThat(c.ingest().dmaap()).isEqualTo(new DmaapIngest(
                "http://message-router:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT", "hbgrp", "1",
                Duration.ofSeconds(15), 1000, null));
        assertThat(c.publish()).containsExactly(
                new PublishTarget.Dmaap("http://message-router:3904/events/unauthenticated.DCAE_CL_OUTPUT", null),
                new PublishTarget.Webhook("http://127.0.0.1:9000/vigil-events", Map.of("Authorization", "Bearer change-me")),
                new PublishTarget.Log());
        assertThat(c.remote()).isEqualTo(new RemoteSettings(
                "http://config-binding-service:10000/service_component/dcae-heartbeat", Duration.ofMinutes(5)));
        assertThat(c.detection()).isEqualTo(new DetectionConfig(Duration.ofSeconds(30), Duration.ofSeconds(1)));
        assertThat(c.ha()).isEqualTo(new HaConfig(true, Duration.ofSeconds(5), "vigil-a"));
    }

    @Test
    void keysOfTheIssueAreReadAsWritten() throws Exception {
        VigilConfig c = ConfigLoader.load(ProjectFiles.resource("issue-keys.yaml"));

        assertThat(c.http().port()).isEqualTo(18080);
        assertThat(c.store().url()).isEqualTo("jdbc:h2:mem:accept");
        assertThat(c.store().user()).isEqualTo("sa");
        assertThat(c.monitors()).singleElement().satisfies(m -> {
            assertThat(m.eventName()).isEqualTo("Heartbeat_vFW");
            assertThat(m.heartbeatInterval()).isEqualTo(Duration.ofMillis(500));
            assertThat(m.missedHeartbeats()).isEqualTo(2);
            assertThat(m.timeBase()).isEqualTo(TimeBase.ARRIVAL);
            assertThat(m.closedLoop()).isEqualTo(new ClosedLoop("CL", "P", "1", "S", TargetType.VM, "t", "2"));
        });
        assertThat(c.ingest().dmaap()).isEqualTo(new DmaapIngest("http://127.0.0.1:3904/events/IN", "g", "c", null, 0, null));
        assertThat(c.publish()).containsExactly(new PublishTarget.Dmaap("http://127.0.0.1:3904/events/OUT", null),
                new PublishTarget.Webhook("http://127.0.0.1:9999/hook", Map.of()), new PublishTarget.Log());
        assertThat(c.remote()).isEqualTo(new RemoteSettings("http://127.0.0.1:10000/cfg", Duration.ofSeconds(2)));
    }

    @Test
    void emptyDocumentIsEveryDefault() throws Exception {
        VigilConfig c = ConfigLoader.parse("", "empty");

        assertThat(c.http()).isEqualTo(new HttpConfig(8080, "0.0.0.0", 1 << 20, null));
        assertThat(c.store().isDefault()).isTrue();
        assertThat(c.store().jdbcUrl(Path.of("/var/vigil")))
                .isEqualTo("jdbc:h2:file:/var/vigil/vigil;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(c.store().jdbcUrl(null)).startsWith("jdbc:h2:file:" + Path.of("data").toAbsolutePath());
        assertThat(c.monitors()).isEmpty();
        assertThat(c.ingest()).isEqualTo(IngestConfig.NONE);
        assertThat(c.publish()).containsExactly(new PublishTarget.Log());
        assertThat(c.remote()).isEqualTo(RemoteSettings.NONE);
        assertThat(c.detection()).isEqualTo(new DetectionConfig(null, Duration.ofSeconds(1)));
        assertThat(c.ha().enabled()).isFalse();
        assertThat(c.ha().leaseTtl()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.ha().instanceId()).endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void monitorDefaultsAreThreeMissedEventTimeVnfAndTheMissedCountDetector() throws Exception {
        VigilConfig c = ConfigLoader.parse("monitors:\n  - eventName: E\n    heartbeatInterval: 10\n", "x");
        assertThat(c.monitors()).containsExactly(new Monitor("E", Duration.ofSeconds(10), 3, TimeBase.EVENT, ClosedLoop.NONE)
                .withDetection(YAML_DEFAULT));
        assertThat(c.detection().graceFor(c.monitors().get(0))).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void byteOrderMarkAndUnderscoreHostNamesAreAccepted() throws Exception {
        VigilConfig c = ConfigLoader.parse("\uFEFFingest: {dmaap: {url: 'http://message_router:3904/events/T'}}", "bom");
        assertThat(c.ingest().dmaap().url()).isEqualTo("http://message_router:3904/events/T");
    }

    @Test
    void explicitEmptyPublishListMeansNowhere() throws Exception {
        assertThat(ConfigLoader.parse("publish: []", "x").publish()).isEmpty();
    }

    @Test
    void kafkaIngestAcceptsTopicOrTopicsAndPassesPropertiesThrough() throws Exception {
        VigilConfig one = ConfigLoader.parse("""
                ingest:
                  kafka:
                    bootstrapServers: 127.0.0.1:9092
                    topic: unauthenticated.SEC_HEARTBEAT_OUTPUT
                    properties:
                      security.protocol: SASL_SSL
                      max.poll.records: 5000
                publish:
                  - type: kafka
                    bootstrapServers: 127.0.0.1:9092
                    topic: unauthenticated.DCAE_CL_OUTPUT
                    properties: {acks: all}
                """, "x");
        assertThat(one.ingest().kafka()).isEqualTo(new KafkaIngest("127.0.0.1:9092",
                List.of("unauthenticated.SEC_HEARTBEAT_OUTPUT"), "vigil",
                Map.of("security.protocol", "SASL_SSL", "max.poll.records", "5000")));
        assertThat(one.publish()).containsExactly(new PublishTarget.Kafka("127.0.0.1:9092",
                "unauthenticated.DCAE_CL_OUTPUT", Map.of("acks", "all")));

        VigilConfig many = ConfigLoader.parse("ingest: {kafka: {bootstrapServers: 'k:1', topics: [a, b], groupId: g}}", "x");
        assertThat(many.ingest().kafka().topics()).containsExactly("a", "b");
        assertThat(many.ingest().kafka().groupId()).isEqualTo("g");
    }

    @Test
    void basicAuthForIngestAndMessageRouterAndByteSizes() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                http: {maxBodyBytes: 512KiB, auth: {user: ves, password: pw}}
                ingest: {dmaap: {url: 'http://mr/events/T', auth: {user: u, password: p}, pollTimeout: 500ms, limit: "50"}}
                """, "x");
        assertThat(c.http().maxBodyBytes()).isEqualTo(512 * 1024);
        assertThat(c.http().auth()).isEqualTo(new BasicAuth("ves", "pw"));
        assertThat(c.http().auth().toString()).doesNotContain("pw");
        assertThat(c.ingest().dmaap().auth()).isEqualTo(new BasicAuth("u", "p"));
        assertThat(c.ingest().dmaap().pollTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.ingest().dmaap().limit()).isEqualTo(50);
    }

    @Test
    void jsonWithVigilKeysIsReadAsVigilConfig() throws Exception {
        VigilConfig c = ConfigLoader.parse("{\"http\": {\"port\": 9090}, \"monitors\": []}", "x.json");
        assertThat(c.source()).isEqualTo(ConfigSource.YAML);
        assertThat(c.http().port()).isEqualTo(9090);
    }

    @Test
    void normalizedJsonLoadsBackToTheSameConfig() throws Exception {
        VigilConfig original = ConfigLoader.load(ProjectFiles.repoRoot().resolve("examples/vigil.yaml"));
        VigilConfig again = ConfigLoader.parse(ConfigJson.toJson(original, true), "normalized");
        assertThat(again).isEqualTo(original);

        VigilConfig onap = ConfigLoader.load(ProjectFiles.example("onap-config.json"));
        VigilConfig onapAgain = ConfigLoader.parse(ConfigJson.toJson(onap, true), "normalized");
        assertThat(onapAgain.monitors()).isEqualTo(onap.monitors());
        assertThat(onapAgain.ingest()).isEqualTo(onap.ingest());
        assertThat(onapAgain.store()).isEqualTo(onap.store());
    }

    @Test
    void normalizedJsonMasksPasswordsUnlessRevealed() throws Exception {
        VigilConfig c = ConfigLoader.parse("store: {url: 'jdbc:postgresql://h/db', user: u, password: s3cret}", "x");
        assertThat(ConfigJson.toJson(c, false)).doesNotContain("s3cret").contains("\"password\" : \"******\"");
        assertThat(ConfigJson.toJson(c, true)).contains("s3cret");
        assertThat(c.store().toString()).doesNotContain("s3cret");
    }

    @Test
    void dmaapPollGraceAndRetryMaxAreReadAndDefaultToFiveSeconds() throws Exception {
        DmaapIngest d = ConfigLoader.parse("ingest: {dmaap: {url: 'http://mr:3904/events/T', pollTimeout: 50ms, pollGrace: 500ms, retryMax: 1s}}",
                "grace").ingest().dmaap();
        assertThat(d.pollGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(d.retryMax()).isEqualTo(Duration.ofSeconds(1));
        DmaapIngest plain = ConfigLoader.parse("ingest: {dmaap: {url: 'http://mr:3904/events/T'}}", "plain").ingest().dmaap();
        assertThat(plain.pollGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(plain.retryMax()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> ConfigLoader.parse("ingest: {dmaap: {url: 'http://mr:3904/events/T', pollGrace: 0s}}", "zero"))
                .hasMessageContaining("pollGrace");
    }

    @Test
    void kafkaGroupInstanceIdDefaultsToTheInstanceIdAndNoneOrAPropertyOverridesIt() throws Exception {
        KafkaIngest plain = ConfigLoader.parse("ingest: {kafka: {bootstrapServers: 'k:9092', topic: t}}", "plain").ingest().kafka();
        assertThat(plain.groupInstanceIdFor("vigil-a")).isEqualTo("vigil-a");
        KafkaIngest named = ConfigLoader.parse("ingest: {kafka: {bootstrapServers: 'k:9092', topic: t, groupInstanceId: m1}}", "named")
                .ingest().kafka();
        assertThat(named.groupInstanceIdFor("vigil-a")).isEqualTo("m1");
        KafkaIngest dynamic = ConfigLoader.parse("ingest: {kafka: {bootstrapServers: 'k:9092', topic: t, groupInstanceId: none}}", "dyn")
                .ingest().kafka();
        assertThat(dynamic.groupInstanceIdFor("vigil-a")).isNull();
        KafkaIngest property = ConfigLoader.parse("ingest: {kafka: {bootstrapServers: 'k:9092', topic: t, groupInstanceId: m1, "
                + "properties: {group.instance.id: p1}}}", "prop").ingest().kafka();
        assertThat(property.groupInstanceIdFor("vigil-a")).isEqualTo("p1");
    }
}

package io.vigil.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceView;
import io.vigil.http.Json;
import io.vigil.ingest.Channel;
import io.vigil.server.ServerOptions;
import io.vigil.server.VigilServer;
import io.vigil.transport.kafka.KafkaSink;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vigil end to end over a real in-process KRaft broker: the real server (H2 store, HTTP on a free port), heartbeats
 * produced into a Kafka topic, change events consumed from the output topic. One broker for the class.
 */
class KafkaEndToEndTest {
    private static final String ONAP_IN = "unauthenticated.SEC_HEARTBEAT_OUTPUT";
    private static final String ONAP_OUT = "unauthenticated.DCAE_CL_OUTPUT";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EmbeddedKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private VigilServer start(VigilConfig config) throws Exception {
        return VigilServer.start(new ServerOptions(config.withHttp(config.http().withPort(0)), null, dir.resolve("data"), false));
    }

    private static LivenessState state(VigilServer vigil, String eventName, String source) {
        SourceView v = vigil.liveness().engine().source(new SourceKey(eventName, source));
        return v == null ? null : v.state();
    }

    private static List<JsonNode> events(String topic) {
        return kafka.readAll(topic).stream().map(r -> json(r.value())).toList();
    }

    private static JsonNode json(String s) {
        try {
            return Json.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON on the output topic: " + s, e);
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void onapConfigWithKafkaStreamsRaisesOnsetThenAbatedOnTheOnapOutputTopic() throws Exception {
        ObjectNode onap = Json.MAPPER.createObjectNode();
        onap.put("heartbeat_config", """
                {"vnfs": [{"eventName": "Heartbeat_vDNS", "heartbeatcountmissed": 2, "heartbeatinterval": 1,
                  "closedLoopControlName": "ControlLoopEvent1", "policyVersion": "1.0.0.5", "policyName": "vFireWall",
                  "policyScope": "resource=sampleResource", "target_type": "VNF", "target": "genVnfName", "version": "1.0"}]}""");
        onap.put("groupID", EmbeddedKafka.uniqueName("hbgrp"));
        onap.putObject("streams_subscribes").putObject("ves-heartbeat").put("type", "kafka").putObject("kafka_info")
                .put("bootstrap_servers", kafka.bootstrapServers()).put("topic_name", ONAP_IN);
        onap.putObject("streams_publishes").putObject("dcae_cl_out").put("type", "kafka").putObject("kafka_info")
                .put("bootstrap_servers", kafka.bootstrapServers()).put("topic_name", ONAP_OUT);
        kafka.createTopic(ONAP_IN, 2);
        kafka.createTopic(ONAP_OUT, 2);

        try (VigilServer vigil = start(ConfigLoader.parse(Json.write(onap), "onap-config.json"));
             HeartbeatFleet fleet = new HeartbeatFleet(kafka.bootstrapServers(), ONAP_IN, "Heartbeat_vDNS", List.of("SRC_A", "SRC_B"), 200)) {
            await().atMost(DEADLINE).until(() -> state(vigil, "Heartbeat_vDNS", "SRC_A") == LivenessState.ALIVE
                    && state(vigil, "Heartbeat_vDNS", "SRC_B") == LivenessState.ALIVE);

            fleet.silence("SRC_B");
            await().atMost(DEADLINE).until(() -> events(ONAP_OUT).size() == 1);
            JsonNode onset = events(ONAP_OUT).getFirst();
            assertThat(onset.path("closedLoopEventStatus").asText()).isEqualTo("ONSET");
            assertThat(onset.path("closedLoopEventClient").asText()).isEqualTo("DCAE_Heartbeat_MS");
            assertThat(onset.path("closedLoopControlName").asText()).isEqualTo("ControlLoopEvent1");
            assertThat(onset.path("policyName").asText()).isEqualTo("vFireWall");
            assertThat(onset.path("policyVersion").asText()).isEqualTo("1.0.0.5");
            assertThat(onset.path("target_type").asText()).isEqualTo("VNF");
            assertThat(onset.path("AAI").path("generic-vnf.vnf-name").asText()).isEqualTo("SRC_B");
            assertThat(onset.path("from").asText()).isEqualTo("DCAE");
            assertThat(onset.path("closedLoopAlarmStart").asLong()).isPositive();

            fleet.revive("SRC_B");
            await().atMost(DEADLINE).until(() -> events(ONAP_OUT).size() == 2);
            JsonNode abated = events(ONAP_OUT).stream().filter(e -> e.path("closedLoopEventStatus").asText().equals("ABATED"))
                    .findFirst().orElseThrow();
            assertThat(abated.path("requestID").asText()).isEqualTo(onset.path("requestID").asText());
            assertThat(abated.path("closedLoopAlarmStart").asLong()).isEqualTo(onset.path("closedLoopAlarmStart").asLong());
            assertThat(abated.has("closedLoopAlarmEnd")).isTrue();

            List<ConsumerRecord<String, String>> records = kafka.readAll(ONAP_OUT);
            assertThat(records).extracting(ConsumerRecord::key).containsOnly("SRC_B");
            assertThat(records.get(0).partition()).as("one source, one partition: ordered").isEqualTo(records.get(1).partition());
            assertThat(state(vigil, "Heartbeat_vDNS", "SRC_A")).isEqualTo(LivenessState.ALIVE);
            assertThat(fleet.failed.get()).isZero();
        }
    }

    @Test
    void brokerOutageRaisesNoFalseOnsetLosesNoEventAndADeadSourceStillGetsItsOnset() throws Exception {
        String in = EmbeddedKafka.uniqueName("hb");
        String out = EmbeddedKafka.uniqueName("cl-out");
        String group = EmbeddedKafka.uniqueName("vigil");
        kafka.createTopic(in, 2);
        kafka.createTopic(out, 1);
        kafka.createTopic(in + ".dlq", 1);
        VigilConfig config = ConfigLoader.parse("""
                monitors:
                  - eventName: Heartbeat_vFW
                    heartbeatInterval: 2s
                    missedHeartbeats: 2
                    closedLoop: {controlName: CL-vFW, policyName: vFW-restart, targetType: VM}
                detection: {grace: 4s}
                ingest:
                  kafka:
                    bootstrapServers: '%1$s'
                    topic: %2$s
                    groupId: %3$s
                    deadLetterTopic: %2$s.dlq
                publish:
                  - type: kafka
                    bootstrapServers: '%1$s'
                    topic: %4$s
                    properties: {max.block.ms: '1000', request.timeout.ms: '2000', delivery.timeout.ms: '4000'}
                """.formatted(kafka.bootstrapServers(), in, group, out), "test.yaml");
        List<String> live = java.util.stream.IntStream.range(0, 10).mapToObj(i -> "vfw-" + i).toList();
        List<String> fleetSources = new java.util.ArrayList<>(live);
        fleetSources.add("vfw-dies");
        String hb = "Heartbeat_vFW";

        try (VigilServer vigil = start(config);
             HeartbeatFleet fleet = new HeartbeatFleet(kafka.bootstrapServers(), in, hb, fleetSources, 200)) {
            kafka.produce(in, "poison", List.of("<xml>not a VES event</xml>"));
            for (int i = 0; i < 3; i++) postHeartbeat(vigil, hb, "vfw-http");
            await().atMost(DEADLINE).until(() -> fleetSources.stream().allMatch(s -> state(vigil, hb, s) == LivenessState.ALIVE));
            await().atMost(DEADLINE).until(() -> metric(vigil, "vigil_kafka_poison_records_total") == 1.0);
            ConsumerRecord<String, String> dead = await().atMost(DEADLINE).until(() -> kafka.readAll(in + ".dlq"), l -> l.size() == 1).getFirst();
            assertThat(dead.value()).isEqualTo("<xml>not a VES event</xml>");
            assertThat(header(dead, "vigil.dead-letter.topic")).isEqualTo(in);

            // The HTTP source goes quiet, the broker goes down for 10 s (2.5 thresholds), and one Kafka source dies
            // during the outage: Vigil cannot tell until the broker is back.
            postHeartbeat(vigil, hb, "vfw-http");
            long stoppedAt = System.nanoTime();
            kafka.stop();
            await().atMost(DEADLINE).until(() -> blind(vigil, Channel.KAFKA));
            fleet.silence("vfw-dies");
            // The HTTP source's ONSET is decided during the outage; the Kafka sink must keep it until the broker is back.
            await().atMost(DEADLINE).until(() -> kinds(vigil).containsKey("vfw-http:ONSET"));
            await().atMost(DEADLINE).until(() -> System.nanoTime() - stoppedAt > TimeUnit.SECONDS.toNanos(10));
            assertThat(kinds(vigil).keySet()).as("no Kafka-fed source is declared missing during the outage")
                    .containsExactly("vfw-http:ONSET");
            assertThat(fleetSources.stream().map(s -> state(vigil, hb, s))).containsOnly(LivenessState.ALIVE);

            kafka.restart();
            await().atMost(DEADLINE).until(() -> !blind(vigil, Channel.KAFKA));
            await().atMost(DEADLINE).until(() -> kinds(vigil).containsKey("vfw-dies:ONSET"));
            // and nothing more for a while: the live sources' heartbeats produced during the outage arrive late
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> kinds(vigil).size() == 2);
            assertThat(kinds(vigil).keySet()).as("exactly one ONSET for the source that died during the outage; the live ones nothing")
                    .containsExactlyInAnyOrder("vfw-http:ONSET", "vfw-dies:ONSET");
            assertThat(kinds(vigil)).containsEntry("vfw-dies:ONSET", 1);
            assertThat(live.stream().map(s -> state(vigil, hb, s))).containsOnly(LivenessState.ALIVE);

            // Every outbox event reached the topic; copies, if any, carry the same eventId.
            Map<String, String> outbox = new LinkedHashMap<>();
            vigil.outbox().recent(0, 1000).forEach(r -> outbox.put(r.eventId(), r.sourceName() + ":" + r.kind()));
            await().atMost(DEADLINE).until(() -> kafka.readAll(out).size() >= outbox.size());
            Map<String, String> published = new LinkedHashMap<>();
            for (ConsumerRecord<String, String> r : kafka.readAll(out)) {
                String kind = json(r.value()).path("closedLoopEventStatus").asText();
                String previous = published.put(header(r, KafkaSink.EVENT_ID_HEADER), r.key() + ":" + kind);
                assertThat(previous).as("a copy is the same event").isIn(null, r.key() + ":" + kind);
            }
            assertThat(published).isEqualTo(outbox);

            // The consumed offsets are committed once checkpointed: a restart would neither lose nor re-read much.
            fleet.close();
            await().atMost(DEADLINE).until(() -> committedEqualsEnd(group, in));
        }
    }

    @Test
    void vigilSendProducesBatchedHeartbeatsThatTheServerConsumes() throws Exception {
        String in = EmbeddedKafka.uniqueName("hb");
        kafka.createTopic(in, 1);
        VigilConfig config = ConfigLoader.parse("""
                monitors: [{eventName: Heartbeat_load, heartbeatInterval: 60s}]
                ingest: {kafka: {bootstrapServers: '%s', topic: %s, groupId: %s}}
                publish: []
                """.formatted(kafka.bootstrapServers(), in, EmbeddedKafka.uniqueName("g")), "test.yaml");
        try (VigilServer vigil = start(config)) {
            int code = new picocli.CommandLine(new io.vigil.cli.SendCommand()).execute("--kafka", kafka.bootstrapServers(), "--topic", in,
                    "-e", "Heartbeat_load", "-n", "500", "--count", "2000", "--batch", "100");
            assertThat(code).isZero();
            assertThat(kafka.readAll(in)).hasSize(20);
            await().atMost(DEADLINE).until(() -> metric(vigil, "vigil_kafka_records_total") == 20.0);
            assertThat(vigil.liveness().engine().counts().get(LivenessState.ALIVE)).isEqualTo(500L);
        }
    }

    /** Events in the outbox as "source:KIND" → count. */
    private static Map<String, Integer> kinds(VigilServer vigil) {
        Map<String, Integer> out = new java.util.TreeMap<>();
        for (OutboxRecord r : vigil.outbox().recent(0, 1000)) out.merge(r.sourceName() + ":" + r.kind(), 1, Integer::sum);
        return out;
    }

    private static boolean committedEqualsEnd(String group, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int p = 0; p < 2; p++) latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            var end = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
            Set<String> mismatch = new TreeSet<>();
            end.forEach((tp, info) -> {
                var c = committed.get(tp);
                if (c == null || c.offset() != info.offset()) mismatch.add(tp + " " + (c == null ? null : c.offset()) + "/" + info.offset());
            });
            return mismatch.isEmpty();
        }
    }

    private static void postHeartbeat(VigilServer vigil, String eventName, String source) throws Exception {
        long micros = System.currentTimeMillis() * 1000;
        String body = "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"" + eventName + "\",\"sourceName\":\""
                + source + "\",\"lastEpochMicrosec\":" + micros + ",\"version\":\"4.0.1\",\"vesEventListenerVersion\":\"7.0.1\"}}}";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + vigil.port() + "/eventListener/v7"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static double metric(VigilServer vigil, String name) {
        var meter = vigil.registry().find(name).functionCounter();
        return meter == null ? -1 : meter.count();
    }

    private static boolean blind(VigilServer vigil, Channel channel) {
        return vigil.liveness().ingestWatch().channels().stream().anyMatch(c -> c.channel() == channel && c.blind());
    }
}

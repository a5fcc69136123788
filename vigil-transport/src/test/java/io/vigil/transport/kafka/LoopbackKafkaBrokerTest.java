package io.vigil.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.delivery.OutboxRecord;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The warm-up's Kafka stand-in: an idempotent producer made like a configured sink runs its whole path against it. */
class LoopbackKafkaBrokerTest {
    private Vertx vertx;
    private LoopbackKafkaBroker broker;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        broker = LoopbackKafkaBroker.start(vertx);
    }

    @AfterEach
    void stop() {
        broker.close();
        vertx.close().await();
    }

    private static List<OutboxRecord> onsets(int n) {
        List<OutboxRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new OutboxRecord(i + 1, "event-" + i, "Heartbeat_vDNS", "source-" + i, "ONSET",
                    "{\"closedLoopEventStatus\":\"ONSET\",\"n\":" + i + "}", 1_000));
        }
        return out;
    }

    @Test
    void aWarmUpSinkHasItsRecordsAcknowledgedByTheStandIn() throws Exception {
        try (KafkaSink sink = KafkaSink.forWarmUp("warm-up-kafka", broker, "unauthenticated.DCAE_CL_OUTPUT", Map.of(), null)) {
            // a batch as a storm hands it, then single records as the steady state does
            sink.deliverBatch(onsets(KafkaSink.MAX_BATCH)).toCompletableFuture().get(60, TimeUnit.SECONDS);
            for (OutboxRecord r : onsets(50)) sink.deliver(r).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertThat(broker.produceRequests()).as("the records went out in produce requests, each acknowledged")
                .isPositive();
    }

    @Test
    void onlyThePropertiesThatShapeRecordsAreTakenFromTheConfiguredSink() {
        assertThat(List.of("linger.ms", "batch.size", "compression.type", "compression.zstd.level", "buffer.memory",
                "max.request.size")).allMatch(KafkaSink::shapesRecords);
        assertThat(List.of("security.protocol", "sasl.jaas.config", "ssl.truststore.location", "interceptor.classes",
                "metric.reporters", "transactional.id", "client.id", "bootstrap.servers", "acks", "enable.idempotence",
                "partitioner.class")).noneMatch(KafkaSink::shapesRecords);
    }

    @Test
    void theClustersSecuritySettingsAreLeftOutTheStandInSpeaksPlainText() throws Exception {
        Map<String, String> secured = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
                "ssl.truststore.location", "/nonexistent/truststore.jks", "linger.ms", "5",
                "interceptor.classes", "com.example.DoesNotExist", "client.id", "vigil-sink");
        try (KafkaSink sink = KafkaSink.forWarmUp("warm-up-kafka", broker, "events", secured, null)) {
            sink.deliverBatch(onsets(100)).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertThat(broker.produceRequests()).isPositive();
    }

    @Test
    void aFrameItCannotReadClosesThatConnectionOnlyAndTheStandInKeepsServing() throws Exception {
        String[] hostPort = broker.bootstrapServers().split(":");
        try (Socket garbage = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            garbage.setSoTimeout(30_000);
            OutputStream out = garbage.getOutputStream();
            out.write(new byte[] {0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8}); // a frame, but no request header in it
            out.flush();
            InputStream in = garbage.getInputStream();
            assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
        }
        try (KafkaSink sink = KafkaSink.forWarmUp("warm-up-kafka", broker, "events", Map.of(), null)) {
            sink.deliver(onsets(1).getFirst()).toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertThat(broker.produceRequests()).isPositive();
    }
}

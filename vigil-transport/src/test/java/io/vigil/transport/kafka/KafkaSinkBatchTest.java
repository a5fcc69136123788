package io.vigil.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.transport.kafka.testing.EmbeddedKafka;
import io.vigil.backoff.BackoffPolicy;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka sink fed in batches by the relay, against a real in-process KRaft broker. */
class KafkaSinkBatchTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) kafka.close();
    }

    private static String header(ConsumerRecord<String, String> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void theTopicsMetadataIsFetchedAtStartNotByTheFirstAlarm() {
        String topic = EmbeddedKafka.uniqueName("cl-warm");
        kafka.createTopic(topic, 1);
        try (KafkaSink sink = new KafkaSink("kafka:warm", kafka.bootstrapServers(), topic, Map.of(), null)) {
            await().atMost(DEADLINE).until(sink::warmedUp);
        }
    }

    @Test
    void aSinkWhoseBrokersAreAwayStartsAndClosesWithoutWaitingForThem() {
        long started = System.nanoTime();
        KafkaSink sink = new KafkaSink("kafka:away", "127.0.0.1:1", "cl-away", Map.of(), null);
        sink.close();
        assertThat(sink.warmedUp()).isFalse();
        // the warm-up's metadata wait (max.block.ms, 60 s) holds neither the constructor nor close()
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aStormGoesOutInBatchesWithEveryEventOnceAndEachSourceInOrder() throws Exception {
        String topic = EmbeddedKafka.uniqueName("cl-storm");
        kafka.createTopic(topic, 3);
        InMemoryOutbox outbox = new InMemoryOutbox();
        int n = 5000;
        for (int i = 0; i < n; i++) outbox.append("vnf-" + (i % 97), i % 2 == 0 ? "ONSET" : "ABATED", "{\"n\":" + i + "}");
        try (KafkaSink sink = new KafkaSink("kafka:storm", kafka.bootstrapServers(), topic, Map.of(), null);
             OutboxRelay relay = OutboxRelay.start(sink, outbox, RelaySettings.defaults()
                     .withPollInterval(Duration.ofMillis(50)).withBackoff(BackoffPolicy.fixed(Duration.ofMillis(200))))) {
            await().atMost(DEADLINE).until(() -> relay.delivered() == n);
        }

        List<ConsumerRecord<String, String>> out = kafka.readAll(topic);
        assertThat(out).hasSize(n);
        assertThat(out).extracting(r -> header(r, KafkaSink.EVENT_ID_HEADER)).doesNotHaveDuplicates();
        for (int source = 0; source < 97; source++) {
            String key = "vnf-" + source;
            List<Integer> seqs = out.stream().filter(r -> r.key().equals(key))
                    .map(r -> Integer.parseInt(header(r, KafkaSink.EVENT_ID_HEADER).substring(4))).toList();
            assertThat(seqs).as("%s in order", key).isSorted();
        }
    }

    @Test
    void twoEventsOfOneSourceAreNeverHandedToTheProducerTogether() {
        java.util.function.BiFunction<Integer, String, io.vigil.delivery.OutboxRecord> r = (seq, source) ->
                new io.vigil.delivery.OutboxRecord(seq, "e" + seq, "HB", source, "ONSET", "{}", 0);
        var batch = List.of(r.apply(1, "a"), r.apply(2, "b"), r.apply(3, "a"), r.apply(4, "c"), r.apply(5, "b"), r.apply(6, "d"));
        assertThat(KafkaSink.runs(batch)).extracting(run -> run.stream().map(x -> x.sourceName() + x.seq()).toList())
                .containsExactly(List.of("a1", "b2"), List.of("a3", "c4", "b5", "d6"));
        var storm = List.of(r.apply(1, "a"), r.apply(2, "b"), r.apply(3, "c"));
        assertThat(KafkaSink.runs(storm)).hasSize(1);
    }

    @Test
    void batchingDefaultsAreSetAndTheUsersLingerWinsWhileSafetySettingsStayEnforced() {
        Properties p = KafkaSink.producerProperties("k:9092", Map.of(ProducerConfig.LINGER_MS_CONFIG, "7",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"), "vigil-sink");
        assertThat(p.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("7");
        assertThat(p.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
        assertThat(p.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)).isEqualTo("1");
        assertThat(KafkaSink.sinkProperties("k:9092", Map.of()).get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo(KafkaSink.DEFAULT_LINGER_MS);
        assertThat(KafkaSink.sinkProperties("k:9092", Map.of()).get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo(KafkaSink.DEFAULT_BATCH_SIZE);
        assertThat(KafkaSink.sinkProperties("k:9092", Map.of()).get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    }
}

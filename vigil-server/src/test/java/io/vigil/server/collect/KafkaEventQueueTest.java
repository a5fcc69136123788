package io.vigil.server.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Datasource;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueueFullException;
import io.vigil.collect.rpc.RpcResult;
import io.vigil.server.RunningServer;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import io.vigil.backoff.BackoffPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code collect.eventQueue: {type: kafka}}: at least once, in order per datasource, never dropped, bounded. */
class KafkaEventQueueTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    private static Entity entity(String ds, String name, String state) {
        return new Entity(EntityType.SERVICES, name, "127.0.0.1", state, "mariadb", "master", "000000", 1_000L, ds, null);
    }

    private static RpcResult result(long time, Entity... entities) {
        List<String> ds = java.util.Arrays.stream(entities).map(Entity::datasource).distinct().toList();
        return new RpcResult("c1", RpcResult.GET_CHANGES, time, ds, List.of(entities), Map.of());
    }

    @Test
    void everyDatasourceOfAResultIsOneRecordKeyedByItsName() {
        String topic = EmbeddedKafka.uniqueName("collected");
        kafka.createTopic(topic, 3);
        var spec = new io.vigil.collect.EventQueueSpec.Kafka(kafka.bootstrapServers(), topic, Map.of());
        try (KafkaEventQueue q = new KafkaEventQueue(spec)) {
            q.append(result(1, entity("dc1", "node10", "running"), entity("dc2", "node20", "running")));
            q.append(result(2, entity("dc1", "node10", "connection refused")));
            await().atMost(Duration.ofSeconds(30)).until(() -> q.written() == 3);
        }
        List<ConsumerRecord<String, String>> records = kafka.readAll(topic);
        assertThat(records).hasSize(3);
        List<JsonNode> dc1 = records.stream().filter(r -> r.key().equals("dc1")).map(r -> CollectJson.read(r.value())).toList();
        assertThat(dc1).extracting(n -> n.path("entities").get(0).path("state").asText()).containsExactly("running", "connection refused");
        assertThat(dc1.getFirst().path("collector").asText()).isEqualTo("c1");
        assertThat(dc1.getFirst().path("rpc").asText()).isEqualTo("get_changes");
        assertThat(dc1.getFirst().path("datasource").asText()).isEqualTo("dc1");
    }

    /** A producer whose broker can be "down": sends then fail, as after {@code delivery.timeout.ms}. */
    static final class FlakyProducer extends MockProducer<String, String> {
        volatile int failNext;
        volatile boolean down;

        FlakyProducer() {
            super(true, null, new StringSerializer(), new StringSerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<String, String> record) {
            Future<RecordMetadata> sent = super.send(record);
            if (down || failNext > 0) {
                failNext--;
                return CompletableFuture.failedFuture(new TimeoutException("expired while the broker was down"));
            }
            return sent;
        }
    }

    private static String state(ProducerRecord<String, String> r) {
        return CollectJson.read(r.value()).path("entities").get(0).path("state").asText();
    }

    @Test
    void aFailedWriteIsRetriedInOrderAndNothingIsDropped() {
        FlakyProducer producer = new FlakyProducer();
        producer.failNext = 1;
        try (KafkaEventQueue q = new KafkaEventQueue("t", producer, 100, BackoffPolicy.fixed(Duration.ofMillis(5)))) {
            q.append(result(1, entity("dc1", "a", "s1"), entity("dc2", "b", "s1")));
            q.append(result(2, entity("dc1", "a", "s2")));
            await().atMost(Duration.ofSeconds(10)).until(() -> q.written() == 3);
            List<String> dc1 = producer.history().stream().filter(r -> r.key().equals("dc1")).map(KafkaEventQueueTest::state).toList();
            // the first send was refused: it and everything sent after it go out again, in order (what followed it
            // may be written twice, never reordered and never dropped)
            assertThat(dc1.getFirst()).isEqualTo("s1");
            assertThat(dc1).filteredOn("s1"::equals).hasSize(2);
            assertThat(dc1.subList(dc1.lastIndexOf("s1"), dc1.size())).containsExactly("s1", "s2");
            assertThat(q.waiting()).isZero();
        }
    }

    @Test
    void aFullQueueMakesCollectorsRefuseCallsInsteadOfLosingResults() throws Exception {
        FlakyProducer producer = new FlakyProducer();
        producer.down = true;
        try (KafkaEventQueue q = new KafkaEventQueue("t", producer, 2, BackoffPolicy.fixed(Duration.ofMillis(5)))) {
            q.append(result(1, entity("dc1", "a", "s1"), entity("dc2", "b", "s1")));
            assertThat(q.hasRoom()).isFalse();
            Datasource dc1 = new Datasource() {
                @Override
                public String name() {
                    return "dc1";
                }

                @Override
                public CompletionStage<List<Entity>> collect() {
                    return CompletableFuture.completedFuture(List.of(entity("dc1", "a", "s2")));
                }
            };
            CollectorService collector = new CollectorService("c1", Map.of("dc1", dc1), q, Clock.systemUTC());
            assertThatThrownBy(() -> collector.getChanges(List.of()).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(EventQueueFullException.class);
            producer.down = false;
            await().atMost(Duration.ofSeconds(10)).until(() -> q.written() == 2);
            assertThat(q.hasRoom()).isTrue();
            assertThat(collector.getChanges(List.of()).toCompletableFuture().get(5, TimeUnit.SECONDS).entities()).hasSize(1);
        }
    }

    @Test
    void vigilServeWritesCollectedStatusToTheConfiguredTopic(@TempDir Path dir) throws Exception {
        String topic = EmbeddedKafka.uniqueName("collected");
        kafka.createTopic(topic, 1);
        String config = """
                publish: []
                collect:
                  changesInterval: 100ms
                  allInterval: 1s
                  eventQueue: {type: kafka, bootstrapServers: '%s', topic: %s}
                  datasources:
                    - name: local
                      type: inventory
                      instances:
                        - {id: i-1, ip: 127.0.0.1}
                """.formatted(kafka.bootstrapServers(), topic);
        try (RunningServer server = RunningServer.start(dir, config)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson("/api/v1/heartbeat").path("round").asLong() > 0);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> !kafka.readAll(topic).isEmpty());
            JsonNode first = CollectJson.read(kafka.readAll(topic).getFirst().value());
            assertThat(first.path("datasource").asText()).isEqualTo("local");
            assertThat(first.path("entities").get(0).path("name").asText()).isEqualTo("i-1");
        }
    }
}

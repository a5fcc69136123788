package io.vigil.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.delivery.OutboxRecord;
import io.vigil.ingest.Channel;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import io.vigil.transport.kafka.testing.GatedReceiver;
import io.vigil.transport.kafka.testing.VesRecords;
import io.vigil.backoff.BackoffPolicy;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Kafka consumer and sink against a real in-process KRaft broker (one per class). */
class KafkaTransportTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static EmbeddedKafka kafka;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        if (!kafka.isRunning()) kafka.restart();
    }

    private KafkaHeartbeatConsumer consume(GatedReceiver receiver, KafkaIngestSettings settings) {
        KafkaHeartbeatConsumer c = new KafkaHeartbeatConsumer(receiver, settings).start();
        open.add(c);
        return c;
    }

    private KafkaIngestSettings settings(String topic, String group) {
        return KafkaIngestSettings.of(kafka.bootstrapServers(), List.of(topic), group).withBlindAfter(Duration.ofMillis(1500));
    }

    private static List<String> sources(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "vnf-" + i).toList();
    }

    private long committed(String group, String topic, int partition) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, partition));
            return o == null ? -1 : o.offset();
        }
    }

    @Test
    void singleEventsAndEventListBatchesReachTheReceiverOnTheKafkaChannel() {
        String topic = EmbeddedKafka.uniqueName("hb");
        kafka.createTopic(topic, 2);
        List<String> values = new ArrayList<>();
        values.add(VesRecords.event(HB, "vnf-single"));
        values.add(VesRecords.eventList(HB, sources(0, 100)));
        values.add(VesRecords.event("Heartbeat_unmonitored", "vnf-x"));
        kafka.produce(topic, null, values);

        GatedReceiver receiver = new GatedReceiver(Set.of(HB), true);
        KafkaHeartbeatConsumer consumer = consume(receiver, settings(topic, EmbeddedKafka.uniqueName("g")));

        // records() counts a record when its processing starts: wait for what its heartbeats did, not for the count
        await().atMost(DEADLINE).until(() -> consumer.accepted() + consumer.unknownEventName() == 102);
        assertThat(consumer.records()).isEqualTo(3);
        assertThat(receiver.sourceNames()).hasSize(101).contains("vnf-single", "vnf-0", "vnf-99");
        assertThat(consumer.accepted()).isEqualTo(101);
        assertThat(consumer.unknownEventName()).isEqualTo(1);
        assertThat(consumer.poisonRecords()).isZero();
    }

    @Test
    void poisonRecordsAreSkippedCountedAndCopiedToTheDeadLetterTopicWithoutStallingThePartition() throws Exception {
        String topic = EmbeddedKafka.uniqueName("hb");
        String dlq = topic + ".dlq";
        kafka.createTopic(topic, 1);
        kafka.createTopic(dlq, 1);
        String tooLong = VesRecords.event(HB, "n".repeat(300)); // only a sourceName longer than limits.nameLength
        kafka.produce(topic, "k", List.of("not json at all", "{\"foo\":1}", "", "{\"eventList\":[{\"commonEventHeader\":{}}]}",
                VesRecords.eventList(HB, sources(0, 3)) .replace("\"vnf-1\"", "1"), tooLong,
                VesRecords.event(HB, "vnf-after")));

        GatedReceiver receiver = new GatedReceiver(Set.of(HB), true);
        String group = EmbeddedKafka.uniqueName("g");
        KafkaHeartbeatConsumer consumer = consume(receiver, settings(topic, group).withDeadLetterTopic(dlq));

        await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains("vnf-after"));
        assertThat(consumer.poisonRecords()).as("with the one whose only sourceName is longer than limits.nameLength").isEqualTo(5);
        assertThat(consumer.invalidEvents()).as("the batch's bad event, the rest kept").isEqualTo(1);
        assertThat(receiver.sourceNames()).containsExactly("vnf-0", "vnf-2", "vnf-after");
        await().atMost(DEADLINE).until(() -> consumer.deadLettered() == 5);
        List<ConsumerRecord<String, String>> copies = kafka.readAll(dlq);
        assertThat(copies).extracting(ConsumerRecord::value)
                .containsExactly("not json at all", "{\"foo\":1}", "", "{\"eventList\":[{\"commonEventHeader\":{}}]}",
                        tooLong);
        assertThat(header(copies.getLast(), "vigil.dead-letter.reason")).contains("sourceName: longer than limits.nameLength");
        ConsumerRecord<String, String> first = copies.getFirst();
        assertThat(first.key()).isEqualTo("k");
        assertThat(header(first, "vigil.dead-letter.topic")).isEqualTo(topic);
        assertThat(header(first, "vigil.dead-letter.offset")).isEqualTo("0");
        assertThat(header(first, "vigil.dead-letter.reason")).contains("malformed JSON");
        await().atMost(DEADLINE).until(() -> committed(group, topic, 0) == 7);
    }

    private static String header(ConsumerRecord<?, ?> r, String key) {
        return new String(r.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    @Test
    void offsetsAreCommittedOnlyOnceACheckpointCoversTheHeartbeats() throws Exception {
        String topic = EmbeddedKafka.uniqueName("hb");
        kafka.createTopic(topic, 1);
        kafka.produce(topic, null, List.of(VesRecords.eventList(HB, sources(0, 10)), VesRecords.event(HB, "vnf-10")));
        GatedReceiver receiver = new GatedReceiver(Set.of(HB), false);
        String group = EmbeddedKafka.uniqueName("g");
        KafkaHeartbeatConsumer consumer = consume(receiver, settings(topic, group));

        await().atMost(DEADLINE).until(() -> receiver.heartbeats().size() == 11 && receiver.pendingCheckpoints() == 1);
        await().during(Duration.ofMillis(600)).atMost(DEADLINE).until(() -> committed(group, topic, 0) == -1);
        receiver.checkpoint();
        await().atMost(DEADLINE).until(() -> committed(group, topic, 0) == 2);
        assertThat(consumer.commits()).isPositive();
    }

    @Test
    void aConsumerRestartedBeforeTheCheckpointReadsTheRecordsAgainRatherThanLosingThem() {
        String topic = EmbeddedKafka.uniqueName("hb");
        kafka.createTopic(topic, 1);
        kafka.produce(topic, null, List.of(VesRecords.eventList(HB, sources(0, 50))));
        String group = EmbeddedKafka.uniqueName("g");

        GatedReceiver crashed = new GatedReceiver(Set.of(HB), false);
        KafkaHeartbeatConsumer first = new KafkaHeartbeatConsumer(crashed,
                new KafkaIngestSettings(kafka.bootstrapServers(), List.of(topic), group, Map.of(), java.util.Optional.empty(),
                        Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(300))).start();
        await().atMost(DEADLINE).until(() -> crashed.heartbeats().size() == 50);
        first.close(); // the checkpoint never completes: nothing may be committed

        GatedReceiver restarted = new GatedReceiver(Set.of(HB), true);
        consume(restarted, settings(topic, group));
        await().atMost(DEADLINE).until(() -> restarted.heartbeats().size() == 50);
    }

    @Test
    void sinkWritesEveryEventKeyedBySourceWithItsEventIdAndCompletesOnlyOnAcknowledgement() throws Exception {
        String topic = EmbeddedKafka.uniqueName("cl-out");
        kafka.createTopic(topic, 3);
        List<Long> latencies = new CopyOnWriteArrayList<>();
        KafkaSink sink = new KafkaSink("kafka:test", kafka.bootstrapServers(), topic, Map.of(), latencies::add);
        open.add(sink);
        int n = 300;
        for (int i = 0; i < n; i++) {
            OutboxRecord r = new OutboxRecord(i, "ev-" + i, HB, "vnf-" + (i % 7), i % 2 == 0 ? "ONSET" : "ABATED",
                    "{\"seq\":" + i + "}", System.currentTimeMillis());
            sink.deliver(r).toCompletableFuture().get(10, TimeUnit.SECONDS); // the relay's way: one at a time
        }
        assertThat(latencies).hasSize(n);

        List<ConsumerRecord<String, String>> out = kafka.readAll(topic);
        assertThat(out).hasSize(n);
        assertThat(out).extracting(r -> header(r, KafkaSink.EVENT_ID_HEADER)).doesNotHaveDuplicates();
        for (int source = 0; source < 7; source++) {
            String key = "vnf-" + source;
            List<ConsumerRecord<String, String>> ofSource = out.stream().filter(r -> r.key().equals(key)).toList();
            assertThat(ofSource).extracting(ConsumerRecord::partition).as("one partition per source").containsOnly(ofSource.getFirst().partition());
            List<Integer> seqs = ofSource.stream().map(r -> Integer.parseInt(header(r, KafkaSink.EVENT_ID_HEADER).substring(3))).toList();
            assertThat(seqs).as("in order per source").isSorted();
        }
        assertThat(header(out.getFirst(), KafkaSink.KIND_HEADER)).isIn("ONSET", "ABATED");
    }

    @Test
    void recordsReReadAfterTheGroupRejoinsAreNotHandedToTheReceiverTwice() {
        // Not checkpointed, so not committed: the consumer that rejoins after the broker's restart reads them again.
        // With timeBase arrival a second hand-over would make a dead source's old heartbeat look new (an ABATED).
        String topic = EmbeddedKafka.uniqueName("hb");
        kafka.createTopic(topic, 1);
        kafka.produce(topic, null, List.of(VesRecords.event(HB, "vnf-before")));
        GatedReceiver receiver = new GatedReceiver(Set.of(HB), false);
        KafkaHeartbeatConsumer consumer = consume(receiver, settings(topic, EmbeddedKafka.uniqueName("g")));
        await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains("vnf-before"));

        restartTheBrokerAndHear(consumer, receiver, topic, "vnf-after");

        assertThat(receiver.sourceNames()).containsExactly("vnf-before", "vnf-after");
        assertThat(consumer.reReadRecords()).isEqualTo(consumer.records() - 2); // whatever was read again
    }

    /**
     * Stops the broker until {@code consumer} is blind, restarts it, produces a heartbeat of {@code source} and waits
     * until the receiver has it and its Kafka watermark has passed the restart.
     */
    private void restartTheBrokerAndHear(KafkaHeartbeatConsumer consumer, GatedReceiver receiver, String topic, String source) {
        kafka.stop();
        await().atMost(DEADLINE).until(consumer::isBlind);
        long restartedAt = System.currentTimeMillis();
        kafka.restart();
        kafka.produce(topic, null, List.of(VesRecords.event(HB, source)));
        await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains(source));
        await().atMost(DEADLINE).until(() -> receiver.watermark(Channel.KAFKA) >= restartedAt);
    }

    @Test
    void brokerOutageStallsTheWatermarkWhichMovesAgainAfterwardsAndTheRelayedSinkLosesNothing() throws Exception {
        String topic = EmbeddedKafka.uniqueName("hb");
        String out = EmbeddedKafka.uniqueName("cl-out");
        kafka.createTopic(topic, 1);
        kafka.createTopic(out, 1);
        kafka.produce(topic, null, List.of(VesRecords.event(HB, "vnf-before")));
        GatedReceiver receiver = new GatedReceiver(Set.of(HB), true);
        KafkaHeartbeatConsumer consumer = consume(receiver, settings(topic, EmbeddedKafka.uniqueName("g")));
        InMemoryOutbox outbox = new InMemoryOutbox();
        KafkaSink sink = new KafkaSink("kafka:outage", kafka.bootstrapServers(), out,
                Map.of("max.block.ms", "500", "delivery.timeout.ms", "3000", "request.timeout.ms", "2000"), null);
        OutboxRelay relay = OutboxRelay.start(sink, outbox, RelaySettings.defaults().withPollInterval(Duration.ofMillis(50))
                .withBackoff(BackoffPolicy.fixed(Duration.ofMillis(200))));
        open.add(sink);
        open.add(relay);
        await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains("vnf-before"));
        outbox.append("vnf-before", "ONSET", "{\"n\":1}");
        relay.wakeUp();
        await().atMost(DEADLINE).until(() -> relay.delivered() == 1);
        assertThat(consumer.isBlind()).isFalse();

        kafka.stop();
        await().atMost(DEADLINE).until(consumer::isBlind); // no fetch answer for longer than blindAfter
        long stalled = receiver.watermark(Channel.KAFKA);
        for (int i = 2; i <= 5; i++) outbox.append("vnf-" + i, "ONSET", "{\"n\":" + i + "}");
        relay.wakeUp();
        await().atMost(DEADLINE).until(() -> relay.failedAttempts() >= 2);
        assertThat(relay.delivered()).isEqualTo(1);

        assertThat(receiver.watermark(Channel.KAFKA)).isEqualTo(stalled);
        long restartedAt = System.currentTimeMillis();
        kafka.restart();
        await().atMost(DEADLINE).until(() -> receiver.watermark(Channel.KAFKA) >= restartedAt);
        assertThat(consumer.isBlind()).isFalse();
        await().atMost(DEADLINE).until(() -> relay.delivered() == 5);
        kafka.produce(topic, null, List.of(VesRecords.event(HB, "vnf-after")));
        await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains("vnf-after"));
        List<String> ids = kafka.readAll(out).stream().map(r -> header(r, KafkaSink.EVENT_ID_HEADER)).toList();
        // one event per source here: the sink keeps each source's order (below), not the order across sources, which
        // a broker outage may shuffle (a waiting producer batch expires while a later one gets through)
        assertThat(ids.stream().distinct().toList()).as("every event once after removing copies by eventId")
                .containsExactlyInAnyOrder("evt-1", "evt-2", "evt-3", "evt-4", "evt-5");
        assertThat(ids.getFirst()).isEqualTo("evt-1");
        assertThat(receiver.watermarks().parts()).singleElement().satisfies(w -> assertThat(w.spells()).isNotEmpty());
    }

    @Test
    void aStaticMemberHearsAgainAfterABrokerRestartAndLeavesTheGroupWhenClosed() {
        // group.instance.id (static membership, Vigil's default from ha.instanceId): the member outlives the broker's
        // restart, and a clean close still hands the partitions on at once (without it they would wait for the
        // session timeout, 45 s, longer than DEADLINE)
        String topic = EmbeddedKafka.uniqueName("hb");
        String group = EmbeddedKafka.uniqueName("g");
        kafka.createTopic(topic, 2);
        kafka.produce(topic, null, List.of(VesRecords.event(HB, "vnf-before")));
        GatedReceiver receiver = new GatedReceiver(Set.of(HB), false);
        KafkaHeartbeatConsumer consumer = new KafkaHeartbeatConsumer(receiver,
                settings(topic, group).withClientProperties(Map.of("group.instance.id", "vigil-a"))).start();
        try {
            await().atMost(DEADLINE).until(() -> receiver.sourceNames().contains("vnf-before"));
            restartTheBrokerAndHear(consumer, receiver, topic, "vnf-after");
            assertThat(consumer.isBlind()).isFalse();
        } finally {
            consumer.close();
        }

        GatedReceiver next = new GatedReceiver(Set.of(HB), false);
        consume(next, settings(topic, group).withClientProperties(Map.of("group.instance.id", "vigil-b")));
        kafka.produce(topic, null, List.of(VesRecords.event(HB, "vnf-next")));
        await().atMost(DEADLINE).until(() -> next.sourceNames().contains("vnf-next"));
    }
}

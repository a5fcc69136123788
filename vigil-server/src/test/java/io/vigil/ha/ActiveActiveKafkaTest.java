package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceView;
import io.vigil.server.RunningServer;
import io.vigil.store.testing.TestDatabases;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import io.vigil.transport.kafka.testing.VesRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active-active over Kafka partitions ({@code ha.mode: kafka-partitions}): in-process instances sharing one fresh
 * PostgreSQL database and one embedded broker, a 6-partition heartbeat topic, a webhook sink that records every
 * delivery. The group grows from 1 to 3 instances and shrinks back to 1 (the relay leader among the ones that go)
 * while heartbeats flow; sources die around both handovers.
 */
class ActiveActiveKafkaTest {
    private static final String EVENT = HaCluster.EVENT;
    private static final int PARTITIONS = 6;
    private static final Duration DEADLINE = Duration.ofSeconds(20);
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

    @Test
    void rebalanceFromOneToThreeInstancesAndBackLosesAndDoublesNoAlarm() throws Exception {
        String topic = EmbeddedKafka.uniqueName("hb-aa");
        String group = EmbeddedKafka.uniqueName("vigil-aa");
        kafka.createTopic(topic, PARTITIONS);
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 18; i++) sources.add("vnf-" + i);
        List<RunningServer> running = new CopyOnWriteArrayList<>();
        List<AutoCloseable> closeLater = new ArrayList<>();
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink(); AutoCloseable stopAll = () -> stop(running, closeLater)) {
            RunningServer a = start("vigil-a", pg.url(), sink.url(), topic, group, running);
            // heartbeats start once the first instance runs: a backlog of never-seen sources older than their
            // threshold would be alarmed at once (new sources get no grace), which is not what this test is about
            Fleet fleet = new Fleet(topic, sources, running);
            closeLater.add(fleet);
            await().atMost(DEADLINE).until(() -> owned(a).size() == PARTITIONS && aliveEverywhere(running, fleet.live()));
            assertThat(role(a)).as("the first instance leads the relays").isEqualTo("ACTIVE");

            // 1 → 3, and vnf-3 dies while the partitions move
            RunningServer b = start("vigil-b", pg.url(), sink.url(), topic, group, running);
            fleet.silence("vnf-3");
            RunningServer c = start("vigil-c", pg.url(), sink.url(), topic, group, running);
            await().atMost(DEADLINE).until(() -> owned(a).size() == 2 && owned(b).size() == 2 && owned(c).size() == 2);
            Set<Integer> all = new TreeSet<>();
            for (RunningServer s : List.of(a, b, c)) all.addAll(owned(s));
            assertThat(all).as("every partition has exactly one owner").hasSize(PARTITIONS);
            await().atMost(DEADLINE).until(() -> sink.of("vnf-3", "ONSET").size() == 1);
            await().atMost(DEADLINE).until(() -> aliveEverywhere(running, fleet.live()));
            assertThat(instancesDetecting(running, "vnf-0")).as("a live source is detected by exactly one instance").isEqualTo(1);
            // with three owners, an unkeyed eventList lands on one instance's partition and holds sources of the
            // others: they are forwarded to their own partitions (checked now: at the end one instance owns all)
            await().atMost(DEADLINE).until(() -> forwardedRecords(running) > 0);

            // 3 → 1: the relay leader and another instance leave; vnf-11 dies just before
            fleet.silence("vnf-11");
            running.remove(a);
            a.close();
            running.remove(b);
            b.close();
            await().atMost(DEADLINE).until(() -> owned(c).size() == PARTITIONS && role(c).equals("ACTIVE"));
            await().atMost(DEADLINE).until(() -> sink.of("vnf-11", "ONSET").size() == 1);
            // a full grace + threshold later, still nothing else: no second ONSET, no false one for a live source
            await().during(Duration.ofMillis(5_500)).atMost(Duration.ofSeconds(20))
                    .failFast("an alarm besides the two ONSETs", () -> assertThat(sink.all())
                            .as("alarms delivered (the test's senders were silent for at most %d ms over Kafka, %d ms over HTTP); journal: %s",
                                    fleet.maxGapMillis.get(), fleet.maxHttpGapMillis.get(), c.get("/api/v1/events?limit=50").body())
                            .hasSizeLessThanOrEqualTo(2))
                    .until(() -> sink.all().size() == 2);
            assertThat(aliveEverywhere(running, fleet.live())).as("every live source ALIVE at the last instance").isTrue();

            Map<String, Long> alarms = sink.all().stream()
                    .collect(Collectors.groupingBy(d -> d.status() + " " + d.source(), TreeMap::new, Collectors.counting()));
            assertThat(alarms).as("exactly one ONSET per dead source, nothing for live ones")
                    .isEqualTo(Map.of("ONSET vnf-3", 1L, "ONSET vnf-11", 1L));
            assertThat(state(c, "vnf-3")).isEqualTo(LivenessState.MISSING);
            assertThat(state(c, "vnf-11")).isEqualTo(LivenessState.MISSING);
            // heartbeats answered 202 over HTTP reached the owner through the topic
            assertThat(fleet.httpAccepted.get()).isPositive();
            assertThat(fleet.httpFailed.get()).as("HTTP heartbeats refused").isZero();
            assertThat(state(c, Fleet.HTTP_SOURCE)).isEqualTo(LivenessState.ALIVE);
            assertThat(fleet.failed.get()).as("Kafka sends that failed").isZero();
            JsonNode status = c.getJson("/api/v1/status").path("ha");
            assertThat(status.path("mode").asText()).isEqualTo("kafka-partitions");
            assertThat(status.path("partitions").path("owners")).hasSize(PARTITIONS);
            assertThat(status.path("partitions").path("rebalances").asLong()).isGreaterThanOrEqualTo(3);
            String metrics = c.get("/metrics").body();
            assertThat(metrics).contains("vigil_ha_owned_partitions 6.0");
        }
    }

    /** Stops the fleet and the instances before the database and the sink go (resources close in reverse order). */
    private static void stop(List<RunningServer> running, List<AutoCloseable> closeLater) throws Exception {
        for (AutoCloseable c : closeLater) c.close();
        for (RunningServer s : running) s.close();
        running.clear();
    }

    private RunningServer start(String id, String jdbcUrl, String sinkUrl, String topic, String group,
                                List<RunningServer> running) throws Exception {
        Path d = dir.resolve(id);
        Files.createDirectories(d);
        String yaml = HaCluster.partitionsYaml(jdbcUrl, sinkUrl, id, kafka.bootstrapServers(), topic, group);
        RunningServer s = RunningServer.start(d, yaml);
        running.add(s);
        return s;
    }

    private static double forwardedRecords(List<RunningServer> running) {
        double sum = 0;
        for (RunningServer s : running) {
            var c = s.server.registry().find("vigil_kafka_forwarded_records_total").functionCounter();
            if (c != null) sum += c.count();
        }
        return sum;
    }

    @Test
    void aSourceNameMapsToThePartitionKafkasDefaultPartitionerPicksForItAsKey() throws Exception {
        String topic = EmbeddedKafka.uniqueName("hb-keys");
        kafka.createTopic(topic, PARTITIONS);
        try (KafkaProducer<String, String> producer = kafka.producer()) {
            for (String source : List.of("vnf-0", "vnf-17", "über-ñode", "a", "")) {
                int partition = producer.send(new ProducerRecord<>(topic, source, "{}")).get(10, TimeUnit.SECONDS).partition();
                assertThat(io.vigil.transport.kafka.SourcePartitioner.partitionOf(source, PARTITIONS)).as(source).isEqualTo(partition);
            }
        }
    }

    private static Set<Integer> owned(RunningServer s) {
        Set<Integer> out = new TreeSet<>();
        s.getJson("/api/v1/status").path("ha").path("partitions").path("owned").fieldNames()
                .forEachRemaining(n -> out.add(Integer.parseInt(n)));
        return out;
    }

    private static String role(RunningServer s) {
        return s.getJson("/api/v1/status").path("role").asText();
    }

    private static LivenessState state(RunningServer s, String source) {
        SourceView v = s.server.liveness().engine().source(new SourceKey(EVENT, source));
        return v == null ? null : v.state();
    }

    private static long instancesDetecting(List<RunningServer> running, String source) {
        return running.stream().filter(s -> state(s, source) != null).count();
    }

    /** Every live source is ALIVE at exactly one of the running instances. */
    private static boolean aliveEverywhere(List<RunningServer> running, Set<String> live) {
        for (String source : live) {
            long alive = running.stream().filter(s -> state(s, source) == LivenessState.ALIVE).count();
            if (alive != 1) return false;
        }
        return true;
    }

    /**
     * Heartbeats every 250 ms: one record per live source keyed by its sourceName, one unkeyed eventList record of all
     * of them (it lands on any partition and is forwarded), and one HTTP heartbeat of {@link #HTTP_SOURCE} to a
     * running instance (routed into the topic). Every send's result is counted.
     */
    private static final class Fleet implements AutoCloseable {
        static final String HTTP_SOURCE = "via-http";
        private final String topic;
        private final Set<String> live = ConcurrentHashMap.newKeySet();
        private final List<RunningServer> running;
        private final KafkaProducer<String, String> producer = kafka.producer();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("test-fleet").daemon(true).unstarted(r));
        /** HTTP posts on their own thread: one to an instance being stopped may hang, and must not stop the Kafka beats. */
        private final ScheduledExecutorService httpTimer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("test-fleet-http").daemon(true).unstarted(r));
        private final AtomicLong lastBeat = new AtomicLong();
        /** The longest time between two Kafka beats of the fleet: the sources were really silent that long. */
        final AtomicLong maxGapMillis = new AtomicLong();
        private final AtomicLong lastHttp = new AtomicLong();
        /** The longest time between two heartbeats of {@link #HTTP_SOURCE} answered 202. */
        final AtomicLong maxHttpGapMillis = new AtomicLong();
        private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(1)).build();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong httpAccepted = new AtomicLong();
        final AtomicLong httpFailed = new AtomicLong();
        private int turn;

        Fleet(String topic, List<String> sources, List<RunningServer> running) {
            this.topic = topic;
            this.running = running;
            live.addAll(sources);
            timer.scheduleAtFixedRate(this::beat, 0, 250, TimeUnit.MILLISECONDS);
            httpTimer.scheduleAtFixedRate(this::beatOverHttp, 0, 250, TimeUnit.MILLISECONDS);
        }

        Set<String> live() {
            Set<String> s = new TreeSet<>(live);
            s.add(HTTP_SOURCE);
            return s;
        }

        void silence(String source) {
            live.remove(source);
        }

        private void beat() {
            List<String> now = live.stream().sorted().toList();
            for (String s : now) send(s, VesRecords.event(EVENT, s));
            send(null, VesRecords.eventList(EVENT, now));
            long t = System.currentTimeMillis(), before = lastBeat.getAndSet(t);
            if (before > 0) maxGapMillis.accumulateAndGet(t - before, Math::max);
        }

        /**
         * One heartbeat of {@link #HTTP_SOURCE} per turn, as a real sender does it: to the next instance, and on no
         * answer within 1 s (an instance being stopped or still starting) to the one after.
         */
        private void beatOverHttp() {
            List<RunningServer> targets = List.copyOf(running);
            for (int tries = 0; tries < targets.size(); tries++) {
                RunningServer target = targets.get(Math.floorMod(turn++, targets.size()));
                try {
                    var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(target.url("/eventListener/v7")))
                            .timeout(Duration.ofSeconds(1)).header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(RunningServer.heartbeat(EVENT, HTTP_SOURCE))).build();
                    int code = HTTP.send(req, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (code == 202) {
                        httpAccepted.incrementAndGet();
                        long t = System.currentTimeMillis(), before = lastHttp.getAndSet(t);
                        if (before > 0) maxHttpGapMillis.accumulateAndGet(t - before, Math::max);
                        return;
                    }
                    if (running.contains(target)) httpFailed.incrementAndGet(); // not one that the test is stopping
                } catch (java.io.IOException | RuntimeException e) {
                    // stopped by the test, or too slow to answer: the next instance
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void send(String key, String value) {
            try {
                producer.send(new ProducerRecord<>(topic, key, value), (md, error) -> {
                    if (error != null) failed.incrementAndGet();
                });
            } catch (RuntimeException e) {
                failed.incrementAndGet();
            }
        }

        @Override
        public void close() {
            timer.shutdownNow();
            httpTimer.shutdownNow();
            producer.close(Duration.ofSeconds(2));
        }
    }
}

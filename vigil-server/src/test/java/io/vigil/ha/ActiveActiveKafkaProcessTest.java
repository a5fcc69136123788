package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.store.testing.TestDatabases;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import io.vigil.transport.kafka.testing.VesRecords;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active-active over Kafka partitions with real processes: three {@code vigil serve} JVMs in one consumer group on
 * a 6-partition topic and one PostgreSQL database. The group grows from 1 to 3, then one instance is killed with
 * kill -9 (its partitions move after the session timeout) and the relay leader stops cleanly, leaving 1. Sources die
 * around both rebalances: each gets exactly one ONSET, live ones none.
 */
class ActiveActiveKafkaProcessTest {
    private static final String EVENT = HaCluster.EVENT;
    private static final int PARTITIONS = 6;
    private static final Duration DEADLINE = Duration.ofSeconds(90); // three JVMs and a broker on a loaded 2-core machine

    @TempDir
    Path dir;

    @Test
    void growingToThreeProcessesThenKillingOneAndStoppingAnotherRaisesExactlyOneOnsetPerDeadSource() throws Exception {
        TestDatabases.requirePostgres();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             var pg = TestDatabases.freshPostgres();
             var sink = new EventSink()) {
            String topic = EmbeddedKafka.uniqueName("hb-aa-proc");
            String group = EmbeddedKafka.uniqueName("vigil-aa-proc");
            kafka.createTopic(topic, PARTITIONS);
            List<VigilProcess> processes = new ArrayList<>();
            VigilProcess a = start("vigil-a", pg.url(), sink.url(), kafka, topic, group, processes);
            waitFor(processes, () -> owned(a).size() == PARTITIONS);
            // heartbeats start once the first instance owns the topic: a backlog of never-seen sources older than
            // their threshold is alarmed at once (new sources get no grace), which is not what this test is about
            try (Fleet fleet = new Fleet(kafka, topic)) {
                waitFor(processes, () -> alive(a) == fleet.live().size());

                // 1 -> 3 while vnf-3 dies
                VigilProcess b = start("vigil-b", pg.url(), sink.url(), kafka, topic, group, processes);
                fleet.silence("vnf-3");
                VigilProcess c = start("vigil-c", pg.url(), sink.url(), kafka, topic, group, processes);
                waitFor(processes, () -> owned(a).size() == 2 && owned(b).size() == 2 && owned(c).size() == 2);
                Set<Integer> all = new TreeSet<>();
                for (VigilProcess p : List.of(a, b, c)) all.addAll(owned(p));
                assertThat(all).as("every partition has exactly one owner").hasSize(PARTITIONS);
                waitFor(processes, () -> sink.of("vnf-3", "ONSET").size() == 1);

                // kill -9 of b (its partitions move after the session timeout), then a clean stop of the relay leader a
                fleet.silence("vnf-11");
                b.kill9();
                waitFor(processes, () -> owned(a).size() + owned(c).size() == PARTITIONS);
                a.close();
                waitFor(processes, () -> owned(c).size() == PARTITIONS && c.role().equals("ACTIVE"));
                waitFor(processes, () -> sink.of("vnf-11", "ONSET").size() == 1);
                // a full grace + threshold later, still nothing else: no second ONSET, no false one for a live source
                await().during(Duration.ofMillis(5_500)).atMost(Duration.ofSeconds(20))
                        .failFast("an alarm besides the two ONSETs", () -> assertThat(sink.all()).as("alarms delivered").hasSizeLessThanOrEqualTo(2))
                        .until(() -> sink.all().size() == 2);
                Map<String, Long> alarms = sink.all().stream()
                        .collect(Collectors.groupingBy(d -> d.status() + " " + d.source(), TreeMap::new, Collectors.counting()));
                assertThat(alarms).as("exactly one ONSET per dead source, nothing for live ones; logs in " + dir)
                        .isEqualTo(Map.of("ONSET vnf-3", 1L, "ONSET vnf-11", 1L));
                assertThat(alive(c)).as("every live source ALIVE at the last instance").isEqualTo(fleet.live().size());
                assertThat(fleet.failed.get()).as("Kafka sends that failed").isZero();
            } finally {
                for (VigilProcess p : processes) p.close();
            }
        }
    }

    /**
     * Waits up to {@link #DEADLINE} for {@code condition}; on timeout fails with every process's state and log tail
     * (the temporary directory with the full logs is gone once the test ends).
     */
    private static void waitFor(List<VigilProcess> processes, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(DEADLINE).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + VigilProcess.describe(processes, 60), e);
        }
    }

    private VigilProcess start(String id, String jdbcUrl, String sinkUrl, EmbeddedKafka kafka, String topic, String group,
                               List<VigilProcess> processes) throws Exception {
        String yaml = HaCluster.partitionsYaml(jdbcUrl, sinkUrl, id, kafka.bootstrapServers(), topic, group);
        VigilProcess p = VigilProcess.start(HaCluster.dir(dir, id), id, yaml);
        processes.add(p);
        return p;
    }

    private static Set<Integer> owned(VigilProcess p) {
        Set<Integer> out = new TreeSet<>();
        p.status().ifPresent(s -> s.path("ha").path("partitions").path("owned").fieldNames()
                .forEachRemaining(n -> out.add(Integer.parseInt(n))));
        return out;
    }

    /** Number of ALIVE sources this process detects (0 when it does not answer). */
    private static int alive(VigilProcess p) {
        return p.status().map(s -> s.path("counts").path("alive").asInt()).orElse(0);
    }

    /** One record per live source, keyed by its sourceName, every 250 ms; every send's result is counted. */
    private static final class Fleet implements AutoCloseable {
        private final Set<String> live = ConcurrentHashMap.newKeySet();
        private final KafkaProducer<String, String> producer;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("test-fleet").daemon(true).unstarted(r));
        final AtomicLong failed = new AtomicLong();

        Fleet(EmbeddedKafka kafka, String topic) {
            for (int i = 0; i < 18; i++) live.add("vnf-" + i);
            producer = kafka.producer();
            timer.scheduleAtFixedRate(() -> {
                for (String s : live) {
                    try {
                        producer.send(new ProducerRecord<>(topic, s, VesRecords.event(EVENT, s)), (md, e) -> {
                            if (e != null) failed.incrementAndGet();
                        });
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
        }

        Set<String> live() {
            return Set.copyOf(live);
        }

        void silence(String source) {
            live.remove(source);
        }

        @Override
        public void close() {
            timer.shutdownNow();
            producer.close(Duration.ofSeconds(2));
        }
    }
}

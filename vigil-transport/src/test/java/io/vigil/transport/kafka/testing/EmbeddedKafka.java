package io.vigil.transport.kafka.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Apache Kafka broker (KRaft: broker and controller in one process, no ZooKeeper) running inside
 * the test JVM, from the official {@code kafka_2.13} and {@code kafka-server} jars.
 *
 * <p>Cost: ≈5–7 s for the first start in a JVM, ≈1 s after that; start one per test class
 * ({@code @BeforeAll}), never per test. {@link #stop()} and {@link #restart()} take the broker down and bring it back
 * on the same ports with the same data, for outage tests. {@link #close()} stops it and deletes its log directory.
 *
 * <p>Settings: replication factor and min ISR 1 for the internal topics (one node), one partition for the offsets
 * and transaction topics (faster group coordination), no initial rebalance delay, a 2 MB log-cleaner buffer (the
 * default 128 MB dominates the heap). Keep {@code org.apache.kafka} and {@code kafka} loggers at WARN: the broker
 * logs thousands of lines per start at INFO.
 *
 * <p>Not thread-safe for start/stop/restart; the helpers ({@link #createTopic}, {@link #produce}, {@link #readAll})
 * may be used from any one test thread.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final KafkaConfig config;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dir, int port, int controllerPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.config = KafkaConfig.fromProps(brokerProperties());
    }

    /** Formats a fresh log directory, starts the broker on free ports and waits until it answers. */
    public static EmbeddedKafka start() {
        try {
            Path dir = Files.createTempDirectory("vigil-kafka-");
            int[] ports = freePorts(2);
            EmbeddedKafka kafka = new EmbeddedKafka(dir, ports[0], ports[1]);
            kafka.format();
            kafka.startServer();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code 127.0.0.1:<port>}: the PLAINTEXT listener, stable across {@link #restart()}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Takes the broker down (clients see connection refused); its data stays for {@link #restart()}. */
    public synchronized void stop() {
        if (server == null) return;
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    /** Brings a stopped broker back on the same ports with the same data. */
    public synchronized void restart() {
        if (server != null) throw new IllegalStateException("the broker is running; stop() it first");
        startServer();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Creates a topic (idempotent) and waits until its partitions have leaders. */
    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) throw new IllegalStateException(e.getCause());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try {
                    var description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
                    if (description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // the metadata of a just-created topic reaches the broker a moment later: ask again
                }
                Thread.onSpinWait();
            }
            throw new IllegalStateException("topic " + topic + " has no leaders after 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /**
     * A safe producer for tests: idempotent, acks=all, one request in flight (see STACK.md: with more in flight the
     * idempotent producer lost records right after topic creation). Callers must check each send's result.
     */
    public KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends {@code values} (key may be null) and waits for every acknowledgement; fails on the first error. */
    public void produce(String topic, String key, List<String> values) {
        try (KafkaProducer<String, String> producer = producer()) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (String v : values) sent.add(producer.send(new ProducerRecord<>(topic, key, v)));
            for (var f : sent) f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
        }
    }

    /**
     * Every record currently in {@code topic} (all partitions, from the beginning, up to the end offsets read at the
     * call), without a consumer group.
     */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(10)) < end.get(tp))) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("could not read " + topic + " to its end in 20 s");
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort(Comparator.<ConsumerRecord<String, String>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return out;
        }
    }

    /** Stops the broker and deletes its data. */
    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    // ------------------------------------------------------------------ internals

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("logs").toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("num.partitions", "1");
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.put("auto.create.topics.enable", "true");
        // Restarting must not wait for a controlled shutdown that cannot complete with one node.
        p.put("controlled.shutdown.enable", "false");
        return p;
    }

    private void format() throws IOException {
        Path file = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            brokerProperties().store(out, "vigil embedded test broker");
        }
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        var sink = new java.io.ByteArrayOutputStream();
        int rc = StorageTool.execute(new String[]{"format", "-t", clusterId, "-c", file.toString()},
                new PrintStream(sink, true, StandardCharsets.UTF_8));
        if (rc != 0) throw new IllegalStateException("kafka storage format failed (" + rc + "): " + sink);
    }

    private void startServer() {
        KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
        s.startup();
        server = s;
        awaitReady();
    }

    /** The broker answers metadata requests once it registered with its controller. */
    private void awaitReady() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("embedded Kafka did not become ready in 60 s", e);
                }
                Thread.onSpinWait();
            }
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                s.setReuseAddress(true);
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", " + dir + "]";
    }

    /** A fresh random name, so tests sharing a broker never share a topic or group. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

package io.vigil.bench.kafka;

import io.vigil.cli.SendCommand;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineRunner;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermarks;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.transport.kafka.KafkaHeartbeatConsumer;
import io.vigil.transport.kafka.KafkaIngestSettings;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import io.vigil.server.ServerOptions;
import io.vigil.server.VigilServer;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import picocli.CommandLine;

/**
 * Heartbeats/s taken into Vigil's engine from Kafka (eventList records) against the HTTP eventBatch path, in one run,
 * on one machine, interleaved round by round.
 *
 * <p>Setup: a real single-node KRaft broker in this JVM; {@code vigil send --kafka} first fills a topic with
 * {@code heartbeats} heartbeats for {@code sources} sources as eventList records of {@code batch} events (lz4). Each
 * round then:
 * <ol>
 *   <li><b>kafka</b>: starts a fresh Vigil server (H2 store, no sinks) whose {@code ingest.kafka} reads that topic
 *       with a new consumer group, i.e. the whole backlog;</li>
 *   <li><b>http</b>: on the same server, {@code vigil send --batch B} posts the same number of heartbeats as
 *       eventBatch bodies over 16 keep-alive connections.</li>
 * </ol>
 * Each rate is steady state: the time from 10% to 90% of the heartbeats accepted. Each round also measures the
 * Kafka consumer into a bare engine (no store, instant checkpoints): the transport's own ceiling.
 * Both rates count heartbeats the engine accepted ({@code Engine.acceptedCount}). The broker (serving fetches) and the
 * HTTP load generator share the machine's cores with the server, as they would on one box; producing the topic is
 * not part of the Kafka figure (it is reported separately).
 *
 * <p>Run: {@code java -cp vigil-bench/target/vigil-bench.jar io.vigil.bench.kafka.KafkaIngestBenchmark [heartbeats]
 * [sources] [batch] [rounds] [partitions]}; defaults 2,000,000 100,000 100 3 2.
 */
public final class KafkaIngestBenchmark {

    public static void main(String[] args) throws Exception {
        long heartbeats = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        String eventName = "Heartbeat_bench";

        System.out.printf(Locale.ROOT, "cores=%d heap=%d MB java=%s heartbeats=%d sources=%d batch=%d partitions=%d%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, Runtime.version(),
                heartbeats, sources, batch, partitions);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String topic = "bench.SEC_HEARTBEAT_OUTPUT";
            kafka.createTopic(topic, partitions);
            long t0 = System.nanoTime();
            int code = send("--kafka", kafka.bootstrapServers(), "--topic", topic, "-e", eventName, "-n", String.valueOf(sources),
                    "--count", String.valueOf(heartbeats), "--batch", String.valueOf(batch));
            if (code != 0) throw new IllegalStateException("producing the topic failed (exit " + code + ")");
            System.out.printf(Locale.ROOT, "produced %d heartbeats in %.1f s (%.0f/s, not part of the comparison)%n", heartbeats,
                    (System.nanoTime() - t0) / 1e9, heartbeats / ((System.nanoTime() - t0) / 1e9));

            List<Double> kafkaRates = new ArrayList<>(), httpRates = new ArrayList<>(), bareRates = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                bareRates.add(kafkaIntoBareEngine(kafka, topic, eventName, heartbeats, "bare-" + round));
                System.out.printf(Locale.ROOT, "round %d: kafka into a bare engine (no store) %.0f heartbeats/s%n", round, bareRates.getLast());
                Path dir = Files.createTempDirectory("vigil-bench-kafka");
                VigilConfig config = ConfigLoader.parse("""
                        http: {port: 0}
                        monitors: [{eventName: %s, heartbeatInterval: 300s}]
                        ingest: {kafka: {bootstrapServers: '%s', topic: %s, groupId: bench-%d}}
                        publish: []
                        limits: {newSourcesPerSecond: 100000000}
                        """.formatted(eventName, kafka.bootstrapServers(), topic, round), "bench.yaml");
                try (VigilServer vigil = VigilServer.start(new ServerOptions(config, null, dir, false))) {
                    LongSupplier accepted = () -> vigil.liveness().engine().acceptedCount();
                    double kafkaRate = measure(accepted, 0, heartbeats, () -> { }); // a fresh engine: the backlog is all there is
                    kafkaRates.add(kafkaRate);
                    String url = "http://127.0.0.1:" + vigil.port() + "/eventListener/v7/eventBatch";
                    long afterKafka = accepted.getAsLong();
                    double httpRate = measure(accepted, afterKafka, heartbeats, () -> send("--url", url, "-e", eventName, "-n",
                            String.valueOf(sources), "--count", String.valueOf(heartbeats), "--batch", String.valueOf(batch),
                            "--connections", "16"));
                    httpRates.add(httpRate);
                    System.out.printf(Locale.ROOT, "round %d: kafka %.0f heartbeats/s, http eventBatch %.0f heartbeats/s, ratio %.2f%n",
                            round, kafkaRate, httpRate, kafkaRate / httpRate);
                }
            }
            double k = median(kafkaRates), h = median(httpRates);
            System.out.printf(Locale.ROOT, "median: kafka %.0f heartbeats/s, http eventBatch %.0f heartbeats/s, kafka/http %.2f; "
                    + "kafka into a bare engine %.0f heartbeats/s%n", k, h, k / h, median(bareRates));
        }
    }

    /**
     * Runs {@code load} on a thread and returns heartbeats/s in steady state: the time the engine takes from
     * {@code base + 10%} to {@code base + 90%} of {@code count} accepted heartbeats (start-up and the tail excluded).
     */
    private static double measure(LongSupplier accepted, long base, long count, Runnable load) throws InterruptedException {
        Thread t = Thread.ofPlatform().name("bench-load").start(load);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long t10 = 0, t90 = 0;
        while (t90 == 0) {
            long done = accepted.getAsLong() - base;
            if (t10 == 0 && done >= count / 10) t10 = System.nanoTime();
            if (done >= count * 9 / 10) t90 = System.nanoTime();
            if (System.nanoTime() > deadline) throw new IllegalStateException("only " + done + " of " + count + " accepted in 5 minutes");
            TimeUnit.MICROSECONDS.sleep(200); // a benchmark poll, not a test wait
        }
        t.join();
        return (count * 8 / 10) / ((t90 - t10) / 1e9);
    }

    /**
     * The Kafka path without the store: {@link KafkaHeartbeatConsumer} into a bare {@link Engine} (with its detector
     * thread) whose checkpoints are instant. Shows what Kafka transport, VES parsing and the engine cost on their own.
     */
    private static double kafkaIntoBareEngine(EmbeddedKafka kafka, String topic, String eventName, long heartbeats, String group)
            throws InterruptedException {
        Engine engine = new Engine(Clock.systemUTC(), event -> { }, -1);
        engine.configure(List.of(new Monitor(eventName, Duration.ofSeconds(300), 3, TimeBase.EVENT, ClosedLoop.NONE)));
        HeartbeatReceiver receiver = new HeartbeatReceiver() {
            @Override
            public Acceptance accept(Heartbeat heartbeat, Channel channel) {
                return engine.accept(heartbeat, channel);
            }

            @Override
            public CompletionStage<Void> durable() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Watermarks watermarks() {
                return engine.watermarks();
            }
        };
        try (EngineRunner runner = new EngineRunner(engine).start();
             KafkaHeartbeatConsumer consumer = new KafkaHeartbeatConsumer(receiver,
                     KafkaIngestSettings.of(kafka.bootstrapServers(), List.of(topic), group))) {
            consumer.start();
            return measure(engine::acceptedCount, 0, heartbeats, () -> { });
        }
    }

    private static int send(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        System.setOut(new PrintStream(out, true));
        try {
            return new CommandLine(new SendCommand()).execute(args);
        } finally {
            System.setOut(previous);
            System.out.print("  vigil send: " + out);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

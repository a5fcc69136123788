package io.vigil.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.bench.engine.BenchMonitors;
import io.vigil.bench.engine.LagStats;
import io.vigil.bench.engine.VesSamples;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Delivery lag per sink, before and after, in one run: steady state (a few ONSETs among a live fleet) and storm (every
 * source silent at once), through real Vigil servers (child processes, H2 store) to receivers in this process: a
 * webhook, a webhook in batch mode, a Message Router stand-in (accepts a JSON object or array per POST) and a
 * Kafka topic on an in-process KRaft broker read by a consumer.
 *
 * <p>For each scenario and each server jar (e.g. the commit before the delivery work and the current one) a fresh
 * server is started with one monitor ({@code timeBase: event}) publishing to every sink, heartbeats are sent with a
 * chosen {@code lastEpochMicrosec} so that each source's deadline is known, and each ONSET's arrival at each receiver
 * is recorded. Per sink it prints the lag from deadline to arrival (p50/p99/max), for the storm also the time until
 * the last ONSET arrived and the rate, and the server's own stage breakdown from {@code vigil_delivery_stage_seconds}
 * (decided → journaled → relayed → acknowledged; bucket upper bounds of p50/p99). The before jar does not know
 * {@code publish[].batch} and gets no batch-mode webhook.
 *
 * <p>{@code java -cp vigil-bench.jar io.vigil.bench.http.DeliveryLag <outDir> <steady|storm|both> <sources>
 * <jar>[=label] [<jar>[=label] …]}; environment {@code SILENT_EVERY} (steady, default 100), {@code THRESHOLD}
 * (seconds, default 45), {@code SPREAD} (steady, default 15), {@code HEAP} (server, default 1g), {@code SINKS} (which
 * sinks the servers publish to: {@code all}, the default, or a comma-separated subset of {@code webhook},
 * {@code webhook-batch}, {@code mr}, {@code kafka}: one sink alone shows what it costs without the others competing
 * for the same cores), {@code SERVER_OPTS} (extra JVM options for the server processes only, space-separated, e.g. a
 * JFR recording; {@code SERVER_OPTS_<label>} replaces it for one label's rounds, e.g. to compare collectors), {@code WARMUP} (default 100: how many of a round's first ONSETs are reported apart as
 * warm-up), {@code STORM_WARMUP} / {@code STORM_WARMUP_ROUNDS} / {@code STORM_WARMUP_FOR} (a warm-up of the server
 * through every sink before its round, see {@code warmUpServer}; default none). A storm round also prints the
 * server's CPU by thread from 100 ms before the deadline to the last ONSET ({@link ThreadCpu}: the JIT's and the
 * collector's threads too).
 *
 * <p>Per sink it also prints the goal's figure, decision → arrival (arrival − {@code closedLoopAlarmStart}), once for
 * all ONSETs and once for those whose way did not overlap a burst of the live fleet's heartbeats (the bench sends
 * them every threshold / 3, as fast as the server takes them), and what the slowest 1 % overlapped: a fleet burst,
 * a server safepoint of 5 ms or more (GC and others, from the server's {@code -Xlog:safepoint} log in its directory).
 */
public final class DeliveryLag {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "vigil-cl-out";
    /** ONSETs of a round counted as warm-up (the first delivery through each cold code path, both ends), reported apart. */
    private static final int WARMUP = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "100"));

    private DeliveryLag() {
    }

    /** One receiver's view of the ONSETs of one round. */
    private static final class SinkLog {
        final String name;
        final long[] arrival;
        final AtomicInteger count = new AtomicInteger();
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        /** ONSETs of sources that kept beating (the fleet's heartbeats came late: the machine is overloaded). */
        final AtomicInteger falseOnsets = new AtomicInteger();
        /** Events (ONSET or ABATED) of the server warm-up's sources ({@code STORM_WARMUP}), not part of the round. */
        final AtomicInteger warmEvents = new AtomicInteger();

        SinkLog(String name, int n) {
            this.name = name;
            this.arrival = new long[n];
        }

        /** Called on one thread per sink (the event loop, or the consumer). */
        void onset(int i, long at) {
            if (arrival[i] != 0) {
                duplicates.incrementAndGet();
                return;
            }
            arrival[i] = at;
            count.incrementAndGet();
        }
    }

    private static final class Round {
        final Map<String, SinkLog> sinks = new LinkedHashMap<>();
        volatile long[] deadline;
        volatile long[] decided;
        volatile int silentEvery = 1;
        /** The server process, and its threads' CPU 100 ms before the first deadline ({@link ThreadCpu}). */
        volatile long serverPid;
        volatile Map<String, Double> cpuAtSent = Map.of();
        /** When the bench sent the live fleet's heartbeats: [first POST, last response] per burst (ms). */
        final List<long[]> bursts = java.util.Collections.synchronizedList(new ArrayList<>());

        SinkLog sink(String name) {
            return sinks.get(name);
        }
    }

    private static volatile Round current;

    static final List<String> ALL_SINKS = List.of("webhook", "webhook-batch", "mr", "kafka");

    /** {@code SINKS}: {@code all} (or unset) or a comma-separated subset of {@link #ALL_SINKS}, in that order. */
    static List<String> selectedSinks(String spec) {
        if (spec == null || spec.isBlank() || spec.strip().equals("all")) return ALL_SINKS;
        List<String> asked = new ArrayList<>();
        for (String part : spec.split(",")) {
            String name = part.strip();
            if (!ALL_SINKS.contains(name))
                throw new IllegalArgumentException("SINKS: unknown sink '" + name + "' (all, or any of " + ALL_SINKS + ")");
            asked.add(name);
        }
        return ALL_SINKS.stream().filter(asked::contains).toList();
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String which = args[1];
        int n = Integer.parseInt(args[2]);
        List<String[]> jars = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String[] jl = args[i].split("=", 2);
            jars.add(new String[] {jl[0], jl.length > 1 ? jl[1] : Path.of(jl[0]).getFileName().toString()});
        }
        long threshold = Long.parseLong(System.getenv().getOrDefault("THRESHOLD", "45")) * 1000;
        long spread = Long.parseLong(System.getenv().getOrDefault("SPREAD", "15")) * 1000;
        int silentEvery = Integer.parseInt(System.getenv().getOrDefault("SILENT_EVERY", "100"));
        Files.createDirectories(out);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic(TOPIC, 3);
            Vertx vertx = Vertx.vertx();
            int receiverPort = startReceivers(vertx);
            AtomicBoolean stop = new AtomicBoolean();
            Thread consumer = startConsumer(kafka.bootstrapServers(), stop);
            warmUpReceivers(vertx, receiverPort, kafka.bootstrapServers());
            System.out.printf("machine: %d cores; load average at start: %s%n", Runtime.getRuntime().availableProcessors(), loadAverage());
            List<String> scenarios = which.equals("both") ? List.of("steady", "storm") : List.of(which);
            for (String scenario : scenarios) {
                for (String[] jar : jars) {
                    boolean storm = scenario.equals("storm");
                    run(out, vertx, receiverPort, kafka.bootstrapServers(), jar[0], jar[1], storm, n,
                            storm ? 1 : silentEvery, threshold, storm ? 0 : spread);
                }
            }
            stop.set(true);
            consumer.join(5000);
            vertx.close().await(5, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** ONSET-shaped messages sent to every receiver (and through the broker) before the first round. */
    private static final int WARMUP_MESSAGES = 5_000;

    /**
     * Sends {@value #WARMUP_MESSAGES} ONSET-shaped messages to each receiver and through the Kafka broker before the
     * first round, so that no round measures the bench's own cold receivers, broker and consumer (measured: the first
     * round's first 100 ONSETs were 0.2-0.7 s late at every sink, whichever server ran first). They are not counted:
     * their source index lies outside every round's.
     */
    private static void warmUpReceivers(Vertx vertx, int receiverPort, String bootstrap) throws Exception {
        Round warm = new Round();
        warm.deadline = new long[1];
        warm.decided = new long[1];
        for (String sink : ALL_SINKS) warm.sinks.put(sink, new SinkLog(sink, 1));
        current = warm;
        String onset = "{\"closedLoopEventStatus\":\"ONSET\",\"closedLoopAlarmStart\":0,\"AAI\":{\"generic-vnf.vnf-name\":\"vnf-999999999\"}}";
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(4));
        Semaphore inFlight = new Semaphore(4);
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(), new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < WARMUP_MESSAGES; i++) {
                post(http, URI.create("http://127.0.0.1:" + receiverPort + "/onset"), Buffer.buffer(onset), inFlight);
                post(http, URI.create("http://127.0.0.1:" + receiverPort + "/onset-batch"), Buffer.buffer("[" + onset + "]"), inFlight);
                post(http, URI.create("http://127.0.0.1:" + receiverPort + "/events/OUT"), Buffer.buffer("[" + onset + "]"), inFlight);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(TOPIC, "vnf-999999999", onset));
            }
            producer.flush();
        }
        inFlight.acquire(4);
        inFlight.release(4);
        http.close();
        Thread.sleep(1000); // the consumer takes the last records in
        current = null;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "?";
        }
    }

    private static int sourceIndex(JsonNode event) {
        String source = event.path("AAI").path("generic-vnf.vnf-name").asText();
        return Integer.parseInt(source.substring(4));
    }

    /** The HTTP receivers: {@code /onset} (webhook), {@code /onset-batch} (webhook in batch mode), {@code /events/OUT} (MR). */
    private static int startReceivers(Vertx vertx) {
        var server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            long arrived = System.currentTimeMillis();
            Round r = current;
            String sink = switch (req.path()) {
                case "/onset" -> "webhook";
                case "/onset-batch" -> "webhook-batch";
                default -> req.path().startsWith("/events/") ? "mr" : null;
            };
            try {
                SinkLog log = r == null || sink == null ? null : r.sink(sink);
                if (log != null) {
                    JsonNode node = JSON.readTree(body.getBytes());
                    boolean ofRound = false; // a request of the server warm-up's events only is not the round's
                    if (node.isArray()) {
                        for (JsonNode e : node) ofRound |= record(r, log, e, arrived);
                    } else {
                        ofRound = record(r, log, node, arrived);
                    }
                    if (ofRound) log.requests.incrementAndGet();
                }
                req.response().setStatusCode(200).end("{\"serverTimeMs\":0,\"count\":1}");
            } catch (Exception ex) {
                req.response().setStatusCode(400).end(String.valueOf(ex));
            }
        }));
        return server.listen(0, "127.0.0.1").await().actualPort();
    }

    /** @return whether the event belongs to the round (not to the server warm-up) */
    private static boolean record(Round r, SinkLog log, JsonNode e, long arrived) {
        String status = e.path("closedLoopEventStatus").asText();
        int i = sourceIndex(e);
        if (i >= WARM_SOURCE_BASE) {
            log.warmEvents.incrementAndGet();
            return false;
        }
        if (!"ONSET".equals(status)) return true;
        if (i < 0 || i >= log.arrival.length) return true;
        if (i % r.silentEvery != 0) {
            log.falseOnsets.incrementAndGet();
            return true;
        }
        log.onset(i, arrived);
        r.decided[i] = e.path("closedLoopAlarmStart").asLong();
        return true;
    }

    private static Thread startConsumer(String bootstrap, AtomicBoolean stop) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "delivery-lag");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        c.subscribe(List.of(TOPIC));
        Thread t = Thread.ofPlatform().name("kafka-receiver").daemon(true).start(() -> {
            try (c) {
                while (!stop.get()) {
                    var records = c.poll(Duration.ofMillis(20));
                    long arrived = System.currentTimeMillis();
                    Round r = current;
                    SinkLog log = r == null ? null : r.sink("kafka");
                    if (log == null) continue;
                    for (ConsumerRecord<String, String> rec : records) {
                        try {
                            record(r, log, JSON.readTree(rec.value()), arrived);
                        } catch (IOException e) {
                            // not ours
                        }
                    }
                }
            }
        });
        // wait for the partition assignment so that the first round's records are not missed
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return t;
    }

    private static void run(Path out, Vertx vertx, int receiverPort, String bootstrap, String jar, String label,
                            boolean storm, int n, int silentEvery, long threshold, long spread) throws Exception {
        boolean batchAware = !label.startsWith("before");
        List<String> sinks = new ArrayList<>(selectedSinks(System.getenv("SINKS")));
        if (!batchAware) sinks.remove("webhook-batch");
        if (sinks.isEmpty()) {
            System.out.printf("%n== %s: skipped (SINKS=%s: the batch-mode webhook is not in this server)%n", label, System.getenv("SINKS"));
            return;
        }
        Round round = new Round();
        round.deadline = new long[n];
        round.decided = new long[n];
        round.silentEvery = silentEvery;
        for (String sink : sinks) round.sinks.put(sink, new SinkLog(sink, n));
        current = round;

        Path dir = Files.createDirectories(out.resolve(label + "-" + (storm ? "storm" : "steady")));
        int port = freePort();
        String yaml = """
                http: {port: %d, host: 127.0.0.1}
                monitors:
                  - {eventName: Heartbeat_bench, heartbeatInterval: %ds, missedHeartbeats: 1, timeBase: event}
                  - {eventName: %s, heartbeatInterval: 1s, missedHeartbeats: 2, timeBase: event}
                detection: {checkpointInterval: 1s}
                limits: {newSourcesPerSecond: 100000000}
                publish:
                """.formatted(port, threshold / 1000, WARM_EVENT_NAME);
        if (sinks.contains("webhook")) yaml += "  - {type: webhook, url: 'http://127.0.0.1:%d/onset'}\n".formatted(receiverPort);
        if (sinks.contains("mr")) yaml += "  - {type: dmaap, url: 'http://127.0.0.1:%d/events/OUT'}\n".formatted(receiverPort);
        if (sinks.contains("kafka")) yaml += "  - {type: kafka, bootstrapServers: '%s', topic: %s}\n".formatted(bootstrap, TOPIC);
        if (sinks.contains("webhook-batch"))
            yaml += "  - {type: webhook, url: 'http://127.0.0.1:%d/onset-batch', batch: {maxEvents: 500, maxDelay: 5ms}}\n".formatted(receiverPort);
        Files.writeString(dir.resolve("vigil.yaml"), yaml);
        List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + System.getenv().getOrDefault("HEAP", "1g")));
        // every stop of the server's threads (GC and other safepoints), with wall-clock ms, to match against ONSETs
        command.add("-Xlog:safepoint:file=" + dir.resolve("safepoints.log") + ":timemillis");
        // SERVER_OPTS_<label> (a label's own options, e.g. another collector) replaces SERVER_OPTS for that round
        String serverOpts = System.getenv().getOrDefault("SERVER_OPTS_" + label,
                System.getenv().getOrDefault("SERVER_OPTS", "")).strip();
        if (!serverOpts.isEmpty()) command.addAll(List.of(serverOpts.split("\\s+")));
        command.addAll(List.of("-jar", jar, "serve", "--config", dir.resolve("vigil.yaml").toString(), "--data-dir",
                dir.resolve("data").toString()));
        Process server = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(dir.resolve("vigil.log").toFile()).start();
        round.serverPid = server.pid();
        try {
            java.net.http.HttpClient probe = java.net.http.HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            long until = System.currentTimeMillis() + 60_000;
            while (true) {
                try {
                    if (probe.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) break;
                } catch (IOException e) {
                    if (System.currentTimeMillis() > until) throw new IllegalStateException("server did not start: see " + dir.resolve("vigil.log"));
                }
                Thread.sleep(200);
            }
            if (STORM_WARMUP > 0 && (WARMUP_FOR == null || WARMUP_FOR.contains(label))) warmUpServer(vertx, base, round);
            String load = loadAverage();
            drive(vertx, base, round, n, silentEvery, threshold, spread);
            String cpu = ThreadCpu.delta(round.cpuAtSent, ThreadCpu.read(server.pid()), 9);
            Thread.sleep(1500); // the last acknowledgements reach the server's histograms
            String metrics = probe.send(java.net.http.HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            writeOnsets(dir, round, n, silentEvery);
            report(label, storm, round, n, silentEvery, load, metrics, Pause.read(dir.resolve("safepoints.log")));
            if (storm) System.out.printf("  server CPU from 100 ms before the first deadline to the last ONSET received, by thread (s): %s%n", cpu);
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
            current = null;
        }
    }

    /** onsets.csv (source, deadline, decided, arrival per sink; wall-clock ms) and bursts.csv, for a look beside the server's logs. */
    private static void writeOnsets(Path dir, Round round, int n, int silentEvery) throws IOException {
        StringBuilder sb = new StringBuilder("source,deadline,decided");
        for (String sink : round.sinks.keySet()) sb.append(',').append(sink);
        sb.append('\n');
        for (int i = 0; i < n; i += silentEvery) {
            sb.append(i).append(',').append(round.deadline[i]).append(',').append(round.decided[i]);
            for (SinkLog s : round.sinks.values()) sb.append(',').append(s.arrival[i]);
            sb.append('\n');
        }
        Files.writeString(dir.resolve("onsets.csv"), sb);
        StringBuilder b = new StringBuilder("start,end\n");
        synchronized (round.bursts) {
            for (long[] x : round.bursts) b.append(x[0]).append(',').append(x[1]).append('\n');
        }
        Files.writeString(dir.resolve("bursts.csv"), b);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void post(HttpClient http, URI uri, Buffer body, Semaphore inFlight) throws InterruptedException {
        inFlight.acquire();
        http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
                        .setURI(uri.getPath()).putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(body)).onComplete(ar -> inFlight.release());
    }

    /** {@code STORM_WARMUP}: sources per warm-up storm of the server before each round (0: a cold server, the default). */
    private static final int STORM_WARMUP = Integer.parseInt(System.getenv().getOrDefault("STORM_WARMUP", "0"));
    /** {@code STORM_WARMUP_ROUNDS}: how many ONSET-then-ABATED storms the warm-up makes (default 3). */
    private static final int WARMUP_ROUNDS = Integer.parseInt(System.getenv().getOrDefault("STORM_WARMUP_ROUNDS", "3"));
    /** {@code STORM_WARMUP_FOR}: comma-separated labels of the rounds that get the warm-up (default: all). */
    private static final List<String> WARMUP_FOR = System.getenv("STORM_WARMUP_FOR") == null ? null
            : List.of(System.getenv("STORM_WARMUP_FOR").split(","));
    /** The warm-up's sources: their own monitor (2 s threshold), indexes far above any round's. */
    private static final String WARM_EVENT_NAME = "Heartbeat_warm";
    private static final int WARM_SOURCE_BASE = 900_000_000;

    /**
     * Makes the fresh server what a server that has been running looks like: its alarm path (engine, journal,
     * outbox, relays, sinks) exercised and compiled. {@value #WARM_EVENT_NAME}'s {@code STORM_WARMUP} sources beat
     * once and go silent (an ONSET storm), beat again (an ABATED storm), {@code STORM_WARMUP_ROUNDS} times, and end
     * silent (alarmed: they send nothing during the round). Then a quiet pause lets the compiler queue drain.
     */
    private static void warmUpServer(Vertx vertx, String base, Round round) throws Exception {
        URI uri = URI.create(base + "/eventListener/v7/eventBatch");
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
        Semaphore inFlight = new Semaphore(16);
        long started = System.currentTimeMillis();
        int expected = 0;
        for (int r = 0; r < WARMUP_ROUNDS; r++) {
            // round 0: the sources' first beat; later rounds: a beat of alarmed sources (an ABATED storm)
            for (int from = 0; from < STORM_WARMUP; from += 100) {
                StringBuilder sb = new StringBuilder("{\"eventList\":[");
                for (int i = from; i < Math.min(STORM_WARMUP, from + 100); i++) {
                    if (i > from) sb.append(',');
                    sb.append(VesSamples.event(BenchMonitors.sourceName(WARM_SOURCE_BASE + i), System.currentTimeMillis() * 1000)
                            .replace(BenchMonitors.EVENT_NAME, WARM_EVENT_NAME));
                }
                post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight);
            }
            inFlight.acquire(16);
            inFlight.release(16);
            if (r > 0) awaitWarm(round, expected += STORM_WARMUP);
            awaitWarm(round, expected += STORM_WARMUP); // then silence: an ONSET storm
        }
        http.close();
        Thread.sleep(5_000); // the JIT compiles what the warm-up made hot
        System.out.printf("  server warm-up: %d storms of %,d ONSETs and %d of ABATEDs at every sink in %,d ms%n",
                WARMUP_ROUNDS, STORM_WARMUP, WARMUP_ROUNDS - 1, System.currentTimeMillis() - started);
    }

    private static void awaitWarm(Round round, int expected) throws InterruptedException {
        long until = System.currentTimeMillis() + 120_000;
        while (System.currentTimeMillis() < until) {
            boolean all = true;
            for (SinkLog s : round.sinks.values()) all &= s.warmEvents.get() >= expected;
            if (all) return;
            Thread.sleep(20);
        }
        throw new IllegalStateException("server warm-up: the sinks did not get " + expected + " warm-up events within 2 minutes");
    }

    /** Sends the heartbeats and waits until every sink has every silent source's ONSET (or 3 minutes past the last deadline). */
    private static void drive(Vertx vertx, String base, Round round, int n, int silentEvery, long threshold, long spread)
            throws Exception {
        URI uri = URI.create(base + "/eventListener/v7/eventBatch");
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
        Semaphore inFlight = new Semaphore(16);
        long start = System.currentTimeMillis();
        long firstSeen = start - spread;
        int silent = 0;
        for (int from = 0; from < n; from += 100) {
            int to = Math.min(n, from + 100);
            StringBuilder sb = new StringBuilder("{\"eventList\":[");
            for (int i = from; i < to; i++) {
                long seen = firstSeen + (long) i * spread / n;
                round.deadline[i] = seen + threshold;
                if (i % silentEvery == 0) silent++;
                if (i > from) sb.append(',');
                sb.append(VesSamples.event(BenchMonitors.sourceName(i), seen * 1000));
            }
            post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight);
        }
        inFlight.acquire(16);
        inFlight.release(16);
        long sentAt = System.currentTimeMillis();
        round.cpuAtSent = ThreadCpu.read(round.serverPid);
        long firstDeadline = firstSeen + threshold;
        boolean cpuAtDeadline = false;
        if (sentAt >= firstSeen + threshold) System.out.println("WARNING: sending overran the first deadline; lags are not valid");
        long until = firstSeen + spread + threshold + 180_000;
        long period = threshold / 3;
        final int expected = silent;
        while (System.currentTimeMillis() < until && !complete(round, expected)) {
            long periodStart = System.currentTimeMillis();
            if (silentEvery > 1) { // the live fleet beats every threshold / 3
                long burstStart = System.currentTimeMillis();
                StringBuilder sb = null;
                int inBatch = 0;
                for (int i = 0; i < n; i++) {
                    if (i % silentEvery == 0) continue;
                    sb = sb == null ? new StringBuilder("{\"eventList\":[") : sb.append(',');
                    sb.append(VesSamples.event(BenchMonitors.sourceName(i), System.currentTimeMillis() * 1000));
                    if (++inBatch == 100) {
                        post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight);
                        sb = null;
                        inBatch = 0;
                    }
                }
                if (sb != null) post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight);
                inFlight.acquire(16); // the burst ends with its last response
                inFlight.release(16);
                round.bursts.add(new long[] {burstStart, System.currentTimeMillis()});
            }
            while (System.currentTimeMillis() < periodStart + period && !complete(round, expected)) {
                if (!cpuAtDeadline && System.currentTimeMillis() >= firstDeadline - 100) {
                    round.cpuAtSent = ThreadCpu.read(round.serverPid); // the storm's window starts here
                    cpuAtDeadline = true;
                }
                Thread.sleep(10);
            }
        }
        http.close();
    }

    private static boolean complete(Round round, int expected) {
        for (SinkLog s : round.sinks.values()) if (s.count.get() < expected) return false;
        return true;
    }

    /** One stop of the server's threads from its safepoint log: [from, to] in wall-clock ms. */
    private record Pause(long from, long to, String cause) {
        private static final java.util.regex.Pattern LINE = java.util.regex.Pattern.compile(
                "^\\[(\\d+)ms\\].*Safepoint \"([^\"]+)\".*Total: (\\d+) ns");

        static List<Pause> read(Path log) {
            List<Pause> out = new ArrayList<>();
            try {
                for (String line : Files.readAllLines(log)) {
                    var m = LINE.matcher(line);
                    if (!m.find()) continue;
                    long end = Long.parseLong(m.group(1));
                    long nanos = Long.parseLong(m.group(3));
                    out.add(new Pause(end - nanos / 1_000_000, end, m.group(2)));
                }
            } catch (IOException e) {
                System.out.println("  (no safepoint log: " + e + ")");
            }
            return out;
        }

        long millis() {
            return to - from;
        }
    }

    private static boolean overlaps(List<long[]> spans, long from, long to) {
        synchronized (spans) {
            for (long[] s : spans) if (s[0] <= to && s[1] >= from) return true;
        }
        return false;
    }

    private static boolean pausedWithin(List<Pause> pauses, long from, long to, long minMillis) {
        for (Pause p : pauses) if (p.millis() >= minMillis && p.from() <= to && p.to() >= from) return true;
        return false;
    }

    private static void report(String label, boolean storm, Round round, int n, int silentEvery, String load, String metrics,
                               List<Pause> pauses) {
        int silent = (n + silentEvery - 1) / silentEvery;
        long lastDeadline = 0;
        for (int i = 0; i < n; i += silentEvery) lastDeadline = Math.max(lastDeadline, round.deadline[i]);
        LagStats decided = new LagStats(silent);
        for (int i = 0; i < n; i += silentEvery) if (round.decided[i] != 0) decided.add(round.decided[i] - round.deadline[i]);
        System.out.printf("%n== %s, %s: %d sources, %d silent; load average before the round %s%n", label,
                storm ? "storm (all silent at once)" : "steady state (1 in " + silentEvery + " dies)", n, silent, load);
        System.out.println("  decided (alarmStart - deadline): " + decided.summary());
        for (SinkLog s : round.sinks.values()) {
            LagStats lag = new LagStats(silent);
            long first = Long.MAX_VALUE, last = 0;
            for (int i = 0; i < n; i += silentEvery) {
                long a = s.arrival[i];
                if (a == 0) continue;
                lag.add(a - round.deadline[i]);
                first = Math.min(first, a);
                last = Math.max(last, a);
            }
            String all = s.count.get() == silent ? String.format("all %d in %d ms after the last deadline", silent, last - lastDeadline)
                    : String.format("MISSING %d of %d", silent - s.count.get(), silent);
            String rate = storm && last > first ? String.format(", %.0f events/s first→last", silent * 1000.0 / Math.max(1, last - first)) : "";
            System.out.printf("  %-14s at sink (arrival - deadline): %s; %s%s; %s%d duplicates, %d false ONSETs (beating sources)%n",
                    s.name, lag.summary(), all, rate, s.name.equals("kafka") ? "" : s.requests.get() + " requests, ",
                    s.duplicates.get(), s.falseOnsets.get());
            System.out.printf("  %-14s server stages: %s%n", "", stages(metrics, s.name));
            System.out.printf("  %-14s decision -> arrival: %s%n", "", decisionToArrival(round, s, n, silentEvery, pauses));
        }
        long longest = 0, total = 0, over5 = 0;
        for (Pause p : pauses) {
            longest = Math.max(longest, p.millis());
            total += p.millis();
            if (p.millis() >= 5) over5++;
        }
        System.out.printf("  server safepoints (GC and others): %d, %d ms in all, longest %d ms, %d of >= 5 ms; fleet bursts: %d, %s%n",
                pauses.size(), total, longest, over5, round.bursts.size(), burstLengths(round.bursts));
    }

    private static String burstLengths(List<long[]> bursts) {
        LagStats l = new LagStats(16);
        synchronized (bursts) {
            for (long[] b : bursts) l.add(b[1] - b[0]);
        }
        return "lasting " + l.summary();
    }

    /**
     * The goal's figure: arrival − the decision (the event's {@code closedLoopAlarmStart}, the engine's tick time) for
     * every ONSET, then for those whose way from decision to arrival did not overlap a fleet burst, and what the
     * slowest 1 % overlapped: a burst of the live fleet's heartbeats, a server safepoint of 5 ms or more.
     */
    private static String decisionToArrival(Round round, SinkLog s, int n, int silentEvery, List<Pause> pauses) {
        LagStats all = new LagStats(n / silentEvery + 1);
        LagStats warm = new LagStats(n / silentEvery + 1);
        LagStats first = new LagStats(WARMUP + 1);
        LagStats quiet = new LagStats(n / silentEvery + 1);
        List<long[]> spans = new ArrayList<>();
        for (int i = 0, k = 0; i < n; i += silentEvery, k++) {
            long a = s.arrival[i], d = round.decided[i];
            if (a == 0 || d == 0) continue;
            all.add(a - d);
            (k < WARMUP ? first : warm).add(a - d);
            if (!overlaps(round.bursts, d, a)) quiet.add(a - d);
            spans.add(new long[] {d, a});
        }
        if (all.count() == 0) return "n=0";
        long p99 = all.percentile(0.99);
        int slow = 0, inBurst = 0, inPause = 0;
        for (long[] sp : spans) {
            if (sp[1] - sp[0] < p99) continue;
            slow++;
            if (overlaps(round.bursts, sp[0], sp[1])) inBurst++;
            if (pausedWithin(pauses, sp[0], sp[1], 5)) inPause++;
        }
        return String.format("%s; the first %d ONSETs (cold server and receivers) %s; after them %s; outside fleet bursts %s; "
                        + "of the %d at or above p99: %d overlap a fleet burst, %d a server pause >= 5 ms",
                all.summary(), WARMUP, first.summary(), warm.summary(), quiet.summary(), slow, inBurst, inPause);
    }

    /** The bucket upper bounds holding p50 / p99 of each stage of vigil_delivery_stage_seconds for the sink. */
    private static String stages(String metrics, String sink) {
        String match = switch (sink) {
            case "webhook" -> "sink=\"webhook:http://127.0.0.1:%d/onset\"";
            case "webhook-batch" -> "/onset-batch\"";
            case "mr" -> "sink=\"dmaap:";
            default -> "sink=\"kafka:";
        };
        StringBuilder out = new StringBuilder();
        for (String stage : List.of("journaled", "relayed", "acknowledged")) {
            TreeMap<Double, Double> buckets = new TreeMap<>();
            for (String line : metrics.split("\n")) {
                if (!line.startsWith("vigil_delivery_stage_seconds_bucket{") || !line.contains("stage=\"" + stage + "\"")) continue;
                boolean ours = sink.equals("webhook") ? line.contains("/onset\"") : line.contains(match);
                if (!ours) continue;
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                buckets.put(bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound), count);
            }
            if (buckets.isEmpty()) return "n/a (no vigil_delivery_stage_seconds: a server before it existed)";
            double total = buckets.lastEntry().getValue();
            out.append(stage).append(" p50≤").append(bound(buckets, total * 0.5)).append(" p99≤").append(bound(buckets, total * 0.99)).append("  ");
        }
        return out.toString().strip();
    }

    private static String bound(TreeMap<Double, Double> buckets, double rank) {
        for (var e : buckets.entrySet()) {
            if (e.getValue() >= rank) return e.getKey().isInfinite() ? "+Inf" : Math.round(e.getKey() * 1000) + "ms";
        }
        return "?";
    }
}

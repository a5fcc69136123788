package io.vigil.bench.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.cli.SendCommand;
import io.vigil.transport.kafka.testing.EmbeddedKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Heartbeats/s taken from Kafka by 1, 2 and 3 active-active instances ({@code ha.mode: kafka-partitions}), each a real
 * {@code vigil serve} process (the fat jar), in one consumer group, on one PostgreSQL database per N.
 *
 * <p>Setup: a single-node KRaft broker in this JVM; {@code vigil send --kafka --batch 1} fills a topic of
 * {@code partitions} partitions with {@code heartbeats} single-event records keyed by sourceName (so no record is
 * forwarded between instances). For each N: a fresh PostgreSQL database, N processes in a new group reading the whole
 * backlog. The rate is the sum over instances of {@code vigil_engine_heartbeats_total{result="accepted"}} (polled at
 * {@code /metrics}) from the later of "10% accepted" and "every instance owns its share of partitions" to "90%
 * accepted": start-up, the join rebalances and the tail are excluded.
 *
 * <p>Run (from the repository root, after packaging vigil-server and vigil-bench):
 * {@code java -cp vigil-bench/target/vigil-bench.jar io.vigil.bench.kafka.ActiveActiveScaling [heartbeats] [sources]
 * [partitions] [maxInstances]}; defaults 2,000,000 100,000 6 3. Needs {@code psql} and PostgreSQL at 127.0.0.1:5432
 * (user postgres, trust) and {@code vigil-server/target/vigil.jar}.
 */
public final class ActiveActiveScaling {
    private static final String EVENT = "Heartbeat_aa";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = io.vigil.json.JsonMappers.MAPPER;

    public static void main(String[] args) throws Exception {
        long heartbeats = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int sources = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 6;
        int maxInstances = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path jar = Path.of("vigil-server/target/vigil.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: package vigil-server first");

        System.out.printf(Locale.ROOT, "cores=%d java=%s heartbeats=%d sources=%d partitions=%d%n",
                Runtime.getRuntime().availableProcessors(), Runtime.version(), heartbeats, sources, partitions);
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String topic = "bench.aa.SEC_HEARTBEAT_OUTPUT";
            kafka.createTopic(topic, partitions);
            long t0 = System.nanoTime();
            int code = new CommandLine(new SendCommand()).execute("--kafka", kafka.bootstrapServers(), "--topic", topic,
                    "-e", EVENT, "-n", String.valueOf(sources), "--count", String.valueOf(heartbeats), "--batch", "1");
            if (code != 0) throw new IllegalStateException("producing the topic failed (exit " + code + ")");
            System.out.printf(Locale.ROOT, "%nproduced %d keyed records in %.1f s (not measured)%n", heartbeats, (System.nanoTime() - t0) / 1e9);

            List<Double> rates = new ArrayList<>();
            for (int n = 1; n <= maxInstances; n++) {
                rates.add(run(jar, kafka, topic, partitions, heartbeats, n));
                System.out.printf(Locale.ROOT, "N=%d: %.0f heartbeats/s (x%.2f of N=1)  load %s%n", n, rates.getLast(),
                        rates.getLast() / rates.getFirst(), Files.readString(Path.of("/proc/loadavg")).trim());
            }
        }
    }

    private static double run(Path jar, EmbeddedKafka kafka, String topic, int partitions, long heartbeats, int n) throws Exception {
        String db = "vigil_aa_bench_" + ProcessHandle.current().pid() + "_" + n;
        psql("CREATE DATABASE " + db);
        Path dir = Files.createTempDirectory("vigil-aa-bench-" + n);
        List<Process> processes = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int port = freePort();
                Path d = Files.createDirectories(dir.resolve("vigil-" + i));
                Path config = d.resolve("vigil.yaml");
                Files.writeString(config, """
                        http: {host: 127.0.0.1}
                        store: {url: 'jdbc:postgresql://127.0.0.1:5432/%s', user: postgres}
                        monitors: [{eventName: %s, heartbeatInterval: 300s}]
                        ingest:
                          kafka:
                            bootstrapServers: '%s'
                            topic: %s
                            groupId: bench-aa-%d
                        publish: []
                        limits: {newSourcesPerSecond: 100000000}
                        ha: {enabled: true, mode: kafka-partitions, instanceId: vigil-%d}
                        """.formatted(db, EVENT, kafka.bootstrapServers(), topic, n, i));
                Path logback = d.resolve("logback.xml");
                Files.writeString(logback, """
                        <configuration>
                          <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} %msg%n</pattern></encoder>
                          </appender>
                          <logger name="io.vigil" level="INFO"/>
                          <root level="WARN"><appender-ref ref="OUT"/></root>
                        </configuration>
                        """);
                String java = ProcessHandle.current().info().command().orElse("java");
                processes.add(new ProcessBuilder(java, "-Xmx512m", "--enable-native-access=ALL-UNNAMED", "-Dlogback.configurationFile=" + logback, "-jar", jar.toString(),
                        "serve", "--config", config.toString(), "--port", String.valueOf(port), "--data-dir", d.resolve("data").toString())
                        .redirectErrorStream(true).redirectOutput(d.resolve("log").toFile()).start());
                ports.add(port);
            }
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MINUTES.toNanos(6);
            long tStart = 0, cStart = 0, tBalanced = 0;
            while (true) {
                long now = System.nanoTime();
                long total = 0;
                for (int port : ports) total += accepted(port);
                if (tBalanced == 0 && balanced(ports, partitions)) {
                    tBalanced = now;
                    System.out.printf(Locale.ROOT, "  N=%d balanced after %.1f s at %d accepted%n", n, (now - started) / 1e9, total);
                }
                if (tStart == 0 && tBalanced != 0 && total >= heartbeats / 10) {
                    tStart = now;
                    cStart = total;
                }
                if (total >= heartbeats * 9 / 10) {
                    if (tStart == 0) throw new IllegalStateException("N=" + n + ": 90% accepted before the group was balanced");
                    System.out.printf(Locale.ROOT, "  N=%d window %.1f-%.1f s, %d heartbeats%n", n, (tStart - started) / 1e9,
                            (now - started) / 1e9, total - cStart);
                    return (total - cStart) / ((now - tStart) / 1e9);
                }
                for (Process p : processes) {
                    if (!p.isAlive()) throw new IllegalStateException("an instance exited; logs in " + dir);
                }
                if (now > deadline) throw new IllegalStateException("N=" + n + ": only " + total + " accepted in 6 minutes; logs in " + dir);
                TimeUnit.MILLISECONDS.sleep(50); // a benchmark poll, not a test wait
            }
        } finally {
            for (Process p : processes) p.destroy();
            for (Process p : processes) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            }
            System.out.println("  logs in " + dir);
            psql("DROP DATABASE IF EXISTS " + db);
        }
    }

    /** True when every instance owns exactly its share (partitions / N, rounded either way) and all are owned. */
    private static boolean balanced(List<Integer> ports, int partitions) {
        int sum = 0;
        for (int port : ports) {
            JsonNode s = get(port, "/api/v1/status").map(ActiveActiveScaling::tree).orElse(null);
            if (s == null) return false;
            int owned = s.path("ha").path("partitions").path("owned").size();
            if (owned < partitions / ports.size() || owned > (partitions + ports.size() - 1) / ports.size()) return false;
            sum += owned;
        }
        return sum == partitions;
    }

    /** {@code vigil_engine_heartbeats_total{result="accepted"}} of one instance, 0 while it does not answer. */
    private static long accepted(int port) {
        String body = get(port, "/metrics").orElse("");
        for (String line : body.split("\n")) {
            if (line.startsWith("vigil_engine_heartbeats_total{") && line.contains("result=\"accepted\"")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static java.util.Optional<String> get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? java.util.Optional.of(r.body()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private static JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("/api/v1/status is not JSON: " + body, e);
        }
    }

    private static void psql(String sql) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql)
                .inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException("psql failed: " + sql);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

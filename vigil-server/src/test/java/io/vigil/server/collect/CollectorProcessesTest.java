package io.vigil.server.collect;

import io.vigil.collect.TcpService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.server.RunningServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code vigil collector} processes (real JVMs) serve an in-process {@code vigil serve}, active-active; one is
 * killed mid-run: rounds go on through the other with no change event lost or repeated, and the killed one, restarted
 * on its port, is called again in its turn.
 */
class CollectorProcessesTest {
    private static final Duration PROCESS_START = Duration.ofSeconds(60);
    @TempDir
    Path dir;
    TcpService ssh, mariadb;
    RunningServer server;
    final List<Process> processes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ssh != null) ssh.close();
        if (mariadb != null) mariadb.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A started collector process and its {@code listening} line to come. */
    private record Started(Process process, String name, int port, CompletableFuture<String> listening) {
    }

    /**
     * Starts {@code java -cp <this test's classpath> io.vigil.cli.VigilCli collector --config FILE --port P} with the
     * JDK running this test; {@link #listening(Started)} waits for its {@code {"event":"listening","port":P}}.
     */
    private Started collector(Path config, int port, String name) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.vigil.cli.VigilCli", "collector", "--config", config.toString(), "--port", String.valueOf(port),
                "--host", "127.0.0.1", "--id", name, "--data-dir", dir.resolve("queue-" + name).toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".err").toFile()))
                .start();
        processes.add(p);
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) if (line.contains("\"listening\"")) listening.complete(line);
            } catch (IOException ignored) {
                // the process ended
            }
            listening.completeExceptionally(new IllegalStateException("collector " + name + " ended before listening"));
        });
        return new Started(p, name, port, listening);
    }

    private Process listening(Started s) throws IOException {
        try {
            String line = s.listening().get(PROCESS_START.toSeconds(), TimeUnit.SECONDS);
            assertThat(RunningServer.json(line).path("port").asInt()).isEqualTo(s.port());
        } catch (Exception e) {
            throw new AssertionError("collector " + s.name() + " did not start: " + e + "; stderr: "
                    + Files.readString(dir.resolve(s.name() + ".err")), e);
        }
        return s.process();
    }

    private List<String> workerEvents() throws IOException {
        List<String> out = new ArrayList<>();
        Path f = dir.resolve("events.jsonl");
        if (!Files.exists(f)) return out;
        for (String line : Files.readAllLines(f)) {
            if (line.isBlank()) continue;
            JsonNode batch = RunningServer.json(line);
            for (JsonNode e : batch.path("events"))
                out.add(batch.path("id").asText() + " " + e.path("name").asText() + ":" + e.path("state").asText());
        }
        return out;
    }

    private List<String> transitions() throws IOException {
        return workerEvents().stream().map(s -> s.substring(s.indexOf(' ') + 1)).toList();
    }

    private JsonNode collectorStatus(int port) {
        for (JsonNode c : server.getJson("/api/v1/collect").path("collectors"))
            if (c.path("id").asText().endsWith(":" + port)) return c;
        throw new AssertionError("no collector on port " + port + " in " + server.getJson("/api/v1/collect"));
    }

    private long round() {
        return server.getJson("/api/v1/collect").path("engine").path("round").asLong();
    }

    @Test
    void killedCollectorProcessIsSkippedWithoutLosingOrRepeatingEventsAndTakenBackInItsTurnAfterARestart() throws Exception {
        ssh = TcpService.start();
        mariadb = TcpService.start();
        Path doctor = dir.resolve("doctor.sh");
        Files.writeString(doctor, "#!/bin/sh\n{ cat; echo; } >> '" + dir.resolve("events.jsonl") + "'\n");
        Files.setPosixFilePermissions(doctor, PosixFilePermissions.fromString("rwxr-xr-x"));
        int portA = freePort(), portB = freePort();
        String datasources = """
                  datasources:
                    - name: local
                      instances:
                        - {id: i-1, ip: 127.0.0.1, check: {type: tcp, port: %d}}
                      services:
                        - {name: node10, ip: 127.0.0.1, mode: mariadb, status: master, check: {type: tcp, port: %d}}
                """.formatted(ssh.port(), mariadb.port());
        // a has no event queue (it restarts faster: no H2 file to migrate); b records its answers in an H2 file
        Path configA = dir.resolve("collector-a.yaml"), configB = dir.resolve("collector-b.yaml");
        Files.writeString(configA, "collect:\n  eventQueue: none\n" + datasources);
        Files.writeString(configB, "collect:\n" + datasources);
        Started startA = collector(configA, portA, "a"), startB = collector(configB, portB, "b");
        Process a = listening(startA);
        listening(startB);
        assertThat(dir.resolve("queue-b")).as("b's event queue").isDirectory();

        server = RunningServer.start(dir, """
                publish: []
                collect:
                  changesInterval: 100ms
                  allInterval: 500ms
                  callTimeout: 2s
                  collectors: [http://127.0.0.1:%d, http://127.0.0.1:%d]
                %sworkers:
                  - {type: script, command: ['./doctor.sh']}
                """.formatted(portA, portB, datasources));
        await().atMost(Duration.ofSeconds(20)).until(() -> round() > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> collectorStatus(portA).path("up").asBoolean()
                && collectorStatus(portB).path("up").asBoolean());

        mariadb.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> transitions().equals(List.of("node10:connection refused")));

        a.destroyForcibly(); // killed mid-run
        assertThat(a.waitFor(10, TimeUnit.SECONDS)).isTrue();
        long roundAtKill = round();
        await().atMost(Duration.ofSeconds(30)).until(() -> !collectorStatus(portA).path("up").asBoolean());
        assertThat(collectorStatus(portA).path("lastError").asText()).isNotBlank();
        // restarted at once, without the engine restarting; while its JVM starts, b alone serves the rounds
        Started restartA = collector(configA, portA, "a");
        mariadb.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> transitions().size() == 2);
        ssh.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> transitions().size() == 3);
        assertThat(round()).as("rounds go on through the other collector").isGreaterThanOrEqualTo(roundAtKill + 2);
        listening(restartA);
        // its turn comes back when its retry backoff (1 s doubling) ends
        await().atMost(Duration.ofSeconds(90)).until(() -> collectorStatus(portA).path("up").asBoolean()
                && collectorStatus(portA).path("failures").asInt() == 0);
        ssh.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> transitions().size() == 4);

        long settled = round();
        await().atMost(Duration.ofSeconds(30)).until(() -> round() > settled + 2); // more rounds through both: nothing new
        assertThat(transitions()).as("every change once, in order").containsExactly(
                "node10:connection refused", "node10:running", "i-1:connection refused", "i-1:running");
        assertThat(workerEvents().stream().map(s -> s.substring(0, s.indexOf(' '))).distinct()).as("event ids").hasSize(4);
    }
}

package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.server.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client subcommands against a real server: output, --json, and exit codes 0 / 1 / 2. */
class ClientCommandsTest {
    @TempDir
    static Path dir;
    static RunningServer vigil;

    @BeforeAll
    static void start() throws Exception {
        vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_cli, heartbeatInterval: 1m, missedHeartbeats: 3}
                """);
    }

    @AfterAll
    static void stop() {
        vigil.close();
    }

    record Run(int exit, String out, String err) {
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = VigilCli.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void sendThenSourcesAndStatusShowTheSources() {
        String server = vigil.url("");
        Run send = run("send", "--server", server, "--event-name", "Heartbeat_cli", "--sources", "3", "--count", "30", "--batch", "5");
        assertThat(send.exit()).as(send.err()).isZero();
        assertThat(send.out()).contains("30 accepted, 0 failed");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            Run sources = run("sources", "--server", server, "--json", "--event-name", "Heartbeat_cli");
            assertThat(sources.exit()).isZero();
            assertThat(RunningServer.json(sources.out()).path("count").asInt()).isEqualTo(3);
        });
        Run table = run("sources", "--server", server);
        assertThat(table.out()).contains("source-0", "ALIVE");
        Run steady = run("sources", "--server", server, "--json", "--event-name", "Heartbeat_cli", "--flapping=false");
        assertThat(RunningServer.json(steady.out()).path("count").asInt()).isEqualTo(3);
        Run flapping = run("sources", "--server", server, "--json", "--event-name", "Heartbeat_cli", "--flapping");
        assertThat(RunningServer.json(flapping.out()).path("count").asInt()).isZero();
        Run status = run("status", "--server", server);
        assertThat(status.exit()).isZero();
        assertThat(status.out()).contains("state:    RUNNING", "role:     ACTIVE");
        Run json = run("status", "--server", server, "--json");
        assertThat(RunningServer.json(json.out()).path("counts").path("alive").asInt()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void badInputExitsTwoAndAnUnreachableServerExitsOne() throws Exception {
        Run bad = run("sources", "--server", vigil.url(""), "--state", "SLEEPY");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("state: must be one of");
        Run unknownOption = run("status", "--frobnicate");
        assertThat(unknownOption.exit()).isEqualTo(2);
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // free now, and nobody listens once it is closed
        }
        Run down = run("status", "--server", "http://127.0.0.1:" + closedPort);
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach Vigil at http://127.0.0.1:" + closedPort);
    }
}

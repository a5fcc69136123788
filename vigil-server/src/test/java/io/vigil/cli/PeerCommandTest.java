package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil peer ...} in-process: JSON lines out, JSON commands in, exit codes. */
class PeerCommandTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private PeerHeartbeat peer;

    @AfterEach
    void closePeer() {
        if (peer != null) {
            peer.close();
        }
    }

    private CompletableFuture<Integer> run(InputStream in, String... args) {
        CommandLine cli = new CommandLine(new PeerCommand());
        cli.setExecutionStrategy(parseResult -> {
            CommandLine leaf = parseResult.asCommandLineList().getLast();
            if (leaf.getCommand() instanceof PeerCommand.Mode mode) {
                mode.in = in;
                mode.out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
                mode.err = new PrintStream(stderr, true, StandardCharsets.UTF_8);
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setErr(new java.io.PrintWriter(new PrintStream(stderr, true, StandardCharsets.UTF_8), true));
        return CompletableFuture.supplyAsync(() -> cli.execute(args));
    }

    private String out() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static InputStream noInput() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Test
    void serverPrintsEventsAsJsonLinesAndTakesCommandsOnStdin() throws Exception {
        int port = freePort();
        PipedOutputStream commands = new PipedOutputStream();
        CompletableFuture<Integer> exit = run(new PipedInputStream(commands), "server", "--port", "" + port,
                "--host", "127.0.0.1", "--interval", "50", "--timeout", "150", "--endpoint-id", "srv");
        peer = PeerHeartbeat.create(PeerProperties.builder().port(port).hostname("127.0.0.1")
                .heartbeatIntervalMillis(50).endpointId("cli").reconnectAttempts(100).reconnectSleepMillis(100)
                .build());
        peer.command(Command.of(CommandName.START_CLIENT)).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> out().contains("\"eventName\":\"heartbeat\""));
        assertThat(out().lines().findFirst().orElseThrow())
                .contains("\"eventName\":\"connected\"", "\"hostname\":\"127.0.0.1\"", "\"endpointId\":\"cli\"",
                        "\"receivedTimestamp\":", "\"seqnum\":", "\"leadershipStatus\":null", "\"port\":");

        commands.write("{\"command\":\"launch\"}\n{\"command\":\"stop\"}\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        await().atMost(Duration.ofSeconds(15)).until(() -> out().contains("\"eventName\":\"timeout\""));
        assertThat(out()).containsSubsequence("\"disconnected\"", "\"timeout\"");
        await().atMost(Duration.ofSeconds(15)).until(() -> err().contains("unknown command 'launch'"));
        assertThat(err()).contains("\"error\":\"BAD_COMMAND\"");

        commands.write("{\"command\":\"exit\"}\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(PeerCommand.EXIT_OK);
    }

    @Test
    void noStartLoadsTheServerAndResumeOnStdinStartsIt() throws Exception {
        int port = freePort();
        PipedOutputStream commands = new PipedOutputStream();
        CompletableFuture<Integer> exit = run(new PipedInputStream(commands), "server", "--port", "" + port,
                "--host", "127.0.0.1", "--interval", "50", "--timeout", "150", "--no-start");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return false; // listening: it must not be yet
            } catch (IOException refused) {
                return true;
            }
        });
        commands.write("{\"command\":\"resume\"}\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            }
        });
        commands.write("{\"command\":\"exit\"}\n".getBytes(StandardCharsets.UTF_8));
        commands.flush();
        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(PeerCommand.EXIT_OK);
        assertThat(err()).doesNotContain("\"error\"");
    }

    @Test
    void portInUseExitsWithStartFailed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int code = run(noInput(), "server", "--port", "" + taken.getLocalPort()).get(10, TimeUnit.SECONDS);
            assertThat(code).isEqualTo(PeerCommand.EXIT_START_FAILED);
            assertThat(err()).contains("\"error\":\"BIND_FAILED\"");
        }
    }

    @Test
    void multicastWithoutAnEndpointIdIsAUsageError() throws Exception {
        int code = run(noInput(), "multicast", "--group", "239.255.0.9", "--port", "4999", "--interface", "lo")
                .get(10, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(PeerCommand.EXIT_USAGE);
        assertThat(err()).contains("endpointId is required");
    }

    @Test
    void eventLoopsOutOfRangeIsAUsageError() throws Exception {
        int code = run(noInput(), "server", "--port", "7999", "--event-loops", "0").get(10, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(PeerCommand.EXIT_USAGE);
        assertThat(err()).contains("serverEventLoops must be 1..64, got 0");
    }

    @Test
    void clientThatNeverReachesTheServerExitsWithStartFailed() throws Exception {
        int code = run(noInput(), "client", "--host", "127.0.0.1", "--port", "" + freePort(),
                "--reconnect-attempts", "1", "--reconnect-sleep", "50").get(10, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(PeerCommand.EXIT_START_FAILED);
        assertThat(err()).contains("\"error\":\"CONNECT_FAILED\"", "gave up");
    }

    @Test
    void clientWithExitOnDisconnectExitsWithPeerLostOnceTheServerIsGone() throws Exception {
        int port = freePort();
        peer = PeerHeartbeat.create(PeerProperties.builder().port(port).hostname("127.0.0.1")
                .heartbeatIntervalMillis(50).build());
        peer.command(Command.of(CommandName.START_SERVER)).join();
        CompletableFuture<Integer> exit = run(noInput(), "client", "--host", "127.0.0.1", "--port", "" + port,
                "--interval", "50", "--timeout", "150", "--reconnect-attempts", "2", "--reconnect-sleep", "50",
                "--exit-on-disconnect");
        await().atMost(Duration.ofSeconds(15)).until(() -> out().contains("\"connected\""));
        peer.command(Command.of(CommandName.STOP)).join();
        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(PeerCommand.EXIT_PEER_LOST);
        assertThat(out()).containsSubsequence("\"connected\"", "\"timeout\"", "\"disconnected\"");
    }

    /**
     * A multicast member whose group cannot be joined retries, gives up, and with {@code --exit-on-disconnect} the CLI
     * exits 4 (without it, 3: it never was in the group). The member runs as a real {@code vigil peer multicast}
     * process in a network namespace of its own ({@code unshare -n}: no interface is up, so every join fails).
     */
    @Test
    void multicastWithExitOnDisconnectExitsWithPeerLostOnceTheMemberGivesUpTheGroup() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(canUnshareNetwork(), "needs unshare -n (root and util-linux)");
        String javaBin = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        java.util.function.Function<Boolean, Process> member = flag -> {
            java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("unshare", "-n", javaBin, "-Xmx128m",
                    "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.vigil.cli.VigilCli",
                    "peer", "multicast", "--group", "239.255.7.7", "--port", "45454", "--endpoint-id", "m-1",
                    "--interval", "50", "--timeout", "100", "--reconnect-attempts", "2", "--reconnect-sleep", "50"));
            if (flag) cmd.add("--exit-on-disconnect");
            try {
                return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Process withFlag = member.apply(true);
        Process without = member.apply(false);
        try {
            assertThat(withFlag.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(without.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(withFlag.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(withFlag.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(withFlag.exitValue()).as(err).isEqualTo(PeerCommand.EXIT_PEER_LOST);
            assertThat(err).contains("\"error\":\"INTERFACE_FAILED\"", "gave up joining");
            assertThat(out).contains("\"eventName\":\"disconnected\"", "\"endpointId\":\"m-1\"");
            assertThat(without.exitValue()).isEqualTo(PeerCommand.EXIT_START_FAILED);
        } finally {
            withFlag.destroyForcibly();
            without.destroyForcibly();
        }
    }

    private static boolean canUnshareNetwork() {
        try {
            Process p = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void peerWithoutAModePrintsUsage() throws Exception {
        assertThat(run(noInput()).get(5, TimeUnit.SECONDS)).isEqualTo(PeerCommand.EXIT_USAGE);
        assertThat(err()).contains("server", "client", "multicast");
    }
}

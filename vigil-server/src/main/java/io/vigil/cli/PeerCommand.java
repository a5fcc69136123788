package io.vigil.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.peer.AdapterState;
import io.vigil.peer.Command;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerListener;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vigil peer server|client|multicast}: runs the peer heartbeat adapter (see docs/peer.md). Events go to stdout
 * and errors to stderr, one JSON object per line; stdin takes commands as JSON lines, e.g.
 * {@code {"command":"stop"}}, {@code {"command":"startClient","serverPort":7001}}, and {@code {"command":"exit"}}.
 *
 * <p>Exit codes: 0 after {@code {"command":"exit"}}; 2 usage or invalid settings; 3 the first start failed (bind
 * failure, unknown interface, server unreachable before the first connection); 4 {@code --exit-on-disconnect} and the
 * client gave up reconnecting, or the multicast member gave up its group. SIGINT/SIGTERM stop the adapter (its stop events are printed) and the JVM exits with
 * 130/143.
 */
@CommandLine.Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Peer heartbeat protocol: TCP server/client or UDP multicast with leader election.",
        subcommands = {PeerCommand.Server.class, PeerCommand.Client.class, PeerCommand.Multicast.class})
public class PeerCommand implements Callable<Integer> {

    public static final int EXIT_OK = 0;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_START_FAILED = 3;
    public static final int EXIT_PEER_LOST = 4;

    @Spec
    CommandSpec spec;

    public PeerCommand() {
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** Options every mode takes. */
    static final class TimingOptions {
        @Option(names = "--interval", paramLabel = "MS", description = "Heartbeat interval in ms (default 1000).")
        long interval = PeerProperties.DEFAULT_INTERVAL_MILLIS;

        @Option(names = "--timeout", paramLabel = "MS",
                description = "Silence beyond the interval before a peer times out, in ms (default 2000).")
        long timeout = PeerProperties.DEFAULT_TIMEOUT_MILLIS;

        @Option(names = "--reconnect-attempts", paramLabel = "N",
                description = "Attempts after a timeout before giving up (default 0).")
        int reconnectAttempts = PeerProperties.DEFAULT_RECONNECT_ATTEMPTS;

        @Option(names = "--reconnect-sleep", paramLabel = "MS",
                description = "Pause between reconnection attempts in ms (default 5000).")
        long reconnectSleep = PeerProperties.DEFAULT_RECONNECT_SLEEP_MILLIS;

        @Option(names = "--endpoint-id", paramLabel = "ID", description = "This endpoint's id.")
        String endpointId;

        @Option(names = "--no-start", description = "Start with application: No. Load the adapter but start it only "
                + "when {\"command\":\"resume\"} arrives on stdin (a start command works too).")
        boolean noStart;

        @Option(names = "--secret-file", paramLabel = "FILE",
                description = "File holding the shared secret that authenticates every frame (HMAC-SHA256). "
                        + "Default: the environment variable VIGIL_PEER_SECRET; none = unauthenticated.")
        Path secretFile;

        PeerProperties.Builder apply(PeerProperties.Builder b) throws IOException {
            String secret = secretFile != null
                    ? Files.readString(secretFile, StandardCharsets.UTF_8).strip()
                    : System.getenv("VIGIL_PEER_SECRET");
            return b.heartbeatIntervalMillis(interval).heartbeatTimeoutMillis(timeout)
                    .reconnectAttempts(reconnectAttempts).reconnectSleepMillis(reconnectSleep)
                    .endpointId(endpointId).sharedSecret(secret).startWithApplication(!noStart);
        }
    }

    /** Shared run loop; subclasses say what to start. Streams are fields so that tests can swap them. */
    abstract static class Mode implements Callable<Integer> {
        @Mixin
        TimingOptions timing;

        @Spec
        CommandSpec spec;

        InputStream in = System.in;
        PrintStream out = System.out;
        PrintStream err = System.err;

        abstract PeerProperties.Builder properties();

        boolean exitOnDisconnect() {
            return false;
        }

        @Override
        public Integer call() {
            PeerProperties props;
            try {
                props = timing.apply(properties()).build();
            } catch (IOException | IllegalArgumentException e) {
                printError(ErrorKind.BAD_COMMAND, e.getMessage());
                return EXIT_USAGE;
            }
            return new Session(props, this).run();
        }

        void printError(ErrorKind kind, String message) {
            printError(new PeerError(kind, message, System.currentTimeMillis()));
        }

        synchronized void printError(PeerError e) {
            ObjectNode node = Session.JSON.createObjectNode()
                    .put("error", e.kind().name()).put("message", e.message()).put("timestamp", e.timestamp());
            err.println(node);
            err.flush();
        }
    }

    /** One adapter run: start, pump stdin commands, wait for exit. */
    private static final class Session implements PeerListener {
        static final ObjectMapper JSON = io.vigil.json.JsonMappers.MAPPER;

        private final PeerProperties props;
        private final Mode mode;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final AtomicBoolean everConnected = new AtomicBoolean();
        private volatile ErrorKind firstErrorKind;

        Session(PeerProperties props, Mode mode) {
            this.props = props;
            this.mode = mode;
        }

        int run() {
            PeerHeartbeat adapter = PeerHeartbeat.create(props);
            adapter.subscribe(this);
            Thread hook = new Thread(adapter::close, "vigil-peer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "vigil-peer-watch");
                t.setDaemon(true);
                return t;
            });
            try {
                try {
                    adapter.startWithApplication().join(); // the mode's type, unless --no-start
                } catch (CompletionException e) {
                    // the reason is already on stderr via the error channel
                    return firstErrorKind == ErrorKind.BAD_COMMAND ? EXIT_USAGE : EXIT_START_FAILED;
                }
                watcher.scheduleWithFixedDelay(() -> {
                    if (adapter.state() == AdapterState.DISCONNECTED) {
                        if (mode.exitOnDisconnect() && mode instanceof Multicast) {
                            exit.complete(EXIT_PEER_LOST); // the member gave up its group, heard anyone or not
                        } else if (!everConnected.get()) {
                            exit.complete(EXIT_START_FAILED);
                        } else if (mode.exitOnDisconnect()) {
                            exit.complete(EXIT_PEER_LOST);
                        }
                    }
                }, 20, 20, TimeUnit.MILLISECONDS);
                Thread reader = new Thread(() -> readCommands(adapter), "vigil-peer-stdin");
                reader.setDaemon(true);
                reader.start();
                return exit.join();
            } finally {
                watcher.shutdownNow();
                adapter.close();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is already exiting through the hook
                }
            }
        }

        private void readCommands(PeerHeartbeat adapter) {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(mode.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    line = line.strip();
                    if (line.isEmpty()) {
                        continue;
                    }
                    if (isExit(line)) {
                        exit.complete(EXIT_OK);
                        return;
                    }
                    try {
                        adapter.command(Command.fromJson(line)).exceptionally(e -> null); // errors: error channel
                    } catch (IllegalArgumentException e) {
                        mode.printError(ErrorKind.BAD_COMMAND, e.getMessage());
                    }
                }
                // End of input: keep running (stdin may be /dev/null); stop with a signal.
            } catch (IOException e) {
                mode.printError(ErrorKind.IO_ERROR, "cannot read commands from stdin: " + e.getMessage());
            }
        }

        private static boolean isExit(String line) {
            try {
                var node = JSON.readTree(line);
                return node != null && node.isObject() && "exit".equals(node.path("command").asText());
            } catch (JsonProcessingException e) {
                return false;
            }
        }

        @Override
        public void onEvent(PeerEvent event) {
            if (event.eventName() == EventName.CONNECTED) {
                everConnected.set(true);
            }
            try {
                String line = JSON.writeValueAsString(event);
                synchronized (mode) {
                    mode.out.println(line);
                    mode.out.flush();
                }
            } catch (JsonProcessingException e) {
                mode.printError(ErrorKind.IO_ERROR, "cannot print event: " + e.getMessage());
            }
        }

        @Override
        public void onError(PeerError error) {
            if (firstErrorKind == null) {
                firstErrorKind = error.kind();
            }
            mode.printError(error);
        }
    }

    @CommandLine.Command(name = "server", mixinStandardHelpOptions = true,
            description = "Listen for heartbeat clients on a TCP port.")
    static final class Server extends Mode {
        @Option(names = "--port", required = true, paramLabel = "P", description = "TCP port to listen on.")
        int port;

        @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default 0.0.0.0).")
        String host = "0.0.0.0";

        @Option(names = "--event-loops", paramLabel = "N",
                description = "Event loops that share the client connections, 1..64 (default: one per core, at most 4).")
        int eventLoops = PeerProperties.DEFAULT_SERVER_EVENT_LOOPS;

        @Option(names = "--max-connections", paramLabel = "N",
                description = "Most client connections open at once; more are closed as they arrive (default 10000).")
        int maxConnections = PeerProperties.DEFAULT_SERVER_MAX_CONNECTIONS;

        @Override
        PeerProperties.Builder properties() {
            return PeerProperties.builder().type(PeerType.SERVER).port(port).hostname(host).serverEventLoops(eventLoops)
                    .serverMaxConnections(maxConnections);
        }

    }

    @CommandLine.Command(name = "client", mixinStandardHelpOptions = true,
            description = "Connect to a heartbeat server and watch it.")
    static final class Client extends Mode {
        @Option(names = "--host", paramLabel = "H", description = "Server host (default localhost).")
        String host = "localhost";

        @Option(names = "--port", required = true, paramLabel = "P", description = "Server port.")
        int port;

        @Option(names = "--exit-on-disconnect",
                description = "Exit with status 4 once the server is lost for good (reconnection attempts ran out).")
        boolean exitOnDisconnect;

        @Override
        PeerProperties.Builder properties() {
            return PeerProperties.builder().type(PeerType.CLIENT).port(port).hostname(host);
        }


        @Override
        boolean exitOnDisconnect() {
            return exitOnDisconnect;
        }
    }

    @CommandLine.Command(name = "multicast", mixinStandardHelpOptions = true,
            description = "Join a multicast group, report its members and elect one leader.")
    static final class Multicast extends Mode {
        @Option(names = "--group", required = true, paramLabel = "G", description = "Multicast group, e.g. 239.255.0.1.")
        String group;

        @Option(names = "--port", required = true, paramLabel = "P", description = "UDP port of the group.")
        int port;

        @Option(names = "--interface", paramLabel = "IF",
                description = "Interface name or address to join and send on, e.g. lo or eth0. Name it: the default "
                        + "route often drops multicast.")
        String networkInterface = "";

        @Option(names = "--exit-on-disconnect",
                description = "Exit with status 4 once the member gives up the group (its reconnection attempts to join, or "
                        + "to send after the interface failed, ran out: the adapter is DISCONNECTED).")
        boolean exitOnDisconnect;

        @Option(names = "--quorum", paramLabel = "N",
                description = "Fewest live members that may elect a leader (default 1; a majority keeps the minority "
                        + "side of a partition leaderless).")
        int quorum = 1;

        @Override
        PeerProperties.Builder properties() {
            return PeerProperties.builder().type(PeerType.MULTICAST).port(port).hostname(group)
                    .networkInterface(networkInterface).quorum(quorum);
        }

        @Override
        boolean exitOnDisconnect() {
            return exitOnDisconnect;
        }

    }
}

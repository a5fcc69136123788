package io.vigil.cli;

import io.vigil.http.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vigil peers status|leadership|command}: the peer endpoints a running {@code vigil serve} runs (config
 * {@code peers[]}). Not to be confused with {@code vigil peer}, which runs one adapter in the foreground.
 */
@Command(name = "peers", mixinStandardHelpOptions = true,
        description = "Peer endpoints of a running server (config peers[]): status, leadership, adapter commands.",
        subcommands = {PeersCommand.Status.class, PeersCommand.Leadership.class, PeersCommand.AdapterCommand.class})
public final class PeersCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code vigil peers status}: GET /api/v1/peers. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Print every peer endpoint, its state and the peers it knows (JSON).")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Override
        public Integer call() {
            return JsonCalls.print(() -> JsonCalls.get(client, "/api/v1/peers"));
        }
    }

    /** {@code vigil peers leadership LEADER|NON_LEADER [--endpoint NAME]}: POST /api/v1/peers/leadership. */
    @Command(name = "leadership", mixinStandardHelpOptions = true,
            description = {"Set the leadership this node claims on its TCP peer endpoints (carried as ldr in every frame; "
                    + "published as a LEADERSHIP change event). Multicast members elect their leader.",
                    "Needs the admin role (a token, or a call from the server's own host when none is configured)."})
    static final class Leadership implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Parameters(index = "0", paramLabel = "STATUS", description = "LEADER or NON_LEADER")
        String status;

        @Option(names = {"-e", "--endpoint"}, paramLabel = "NAME", description = "only this endpoint (default: every TCP endpoint)")
        String endpoint;

        @Override
        public Integer call() {
            String s = status.trim().toUpperCase(Locale.ROOT);
            if (!s.equals("LEADER") && !s.equals("NON_LEADER")) {
                System.err.println("vigil: STATUS must be LEADER or NON_LEADER, got " + status);
                return 2;
            }
            var body = Json.object().put("leadershipStatus", s);
            if (endpoint != null) body.put("endpoint", endpoint);
            return JsonCalls.print(() -> JsonCalls.post(client, "/api/v1/peers/leadership", Json.write(body)));
        }
    }

    /** {@code vigil peers command NAME JSON}: POST /api/v1/peers/{name}/command. */
    @Command(name = "command", mixinStandardHelpOptions = true,
            description = {"Send one adapter command to a peer endpoint, in its JSON form (docs/peer.md), e.g. "
                    + "'{\"command\":\"resume\"}' to start an endpoint configured with startWithApplication: false.",
                    "Needs the admin role."})
    static final class AdapterCommand implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Parameters(index = "0", paramLabel = "NAME", description = "the endpoint (peers[].name)")
        String name;

        @Parameters(index = "1", paramLabel = "JSON", description = "the command, e.g. {\"command\":\"suspend\"}")
        String json;

        @Override
        public Integer call() {
            String path = "/api/v1/peers/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + "/command";
            return JsonCalls.print(() -> JsonCalls.post(client, path, json));
        }
    }
}

package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil ha status}: the HA role of a running server, the lease, and the instances that share the store. */
@Command(name = "ha", mixinStandardHelpOptions = true, description = "High availability: role, lease and instances.",
        subcommands = {HaCommand.Status.class})
public final class HaCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Prints role, epoch, the active instance, the lease expiry and the known instances. Exit 1 if unreachable. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show this server's HA role (ACTIVE|STANDBY), epoch, the active instance, lease expiry and the instances.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ServerClient client;

        @Override
        public Integer call() {
            try {
                JsonNode s = client.get("/api/v1/status");
                if (client.json()) {
                    ObjectNodeView.print(s);
                    return 0;
                }
                JsonNode ha = s.path("ha");
                System.out.printf("role:      %s%n", s.path("role").asText());
                System.out.printf("instance:  %s%s%n", s.path("instanceId").asText(),
                        ha.hasNonNull("url") ? " at " + ha.path("url").asText() : "");
                System.out.printf("epoch:     %s%n", s.path("epoch").asText());
                System.out.printf("active:    %s%s%n", s.path("activeId").asText("none"),
                        ha.hasNonNull("activeUrl") ? " at " + ha.path("activeUrl").asText() : "");
                System.out.printf("lease:     expires %s (TTL %d ms)%n", s.path("leaseExpiresAt").asText("-"),
                        ha.path("leaseTtlMillis").asLong());
                System.out.printf("ha:        %s, phase %s%n", ha.path("enabled").asBoolean() ? "enabled" : "disabled",
                        ha.path("phase").asText());
                for (JsonNode i : ha.path("instances")) {
                    System.out.printf("instance:  %s %s (seen %s)%n", i.path("instanceId").asText(), i.path("url").asText(),
                            i.path("seenAt").asText());
                }
                return 0;
            } catch (ServerClient.CallFailed e) {
                System.err.println("vigil: " + e.getMessage());
                return 1;
            }
        }
    }

    private static final class ObjectNodeView {
        static void print(JsonNode s) {
            var out = Json.object();
            for (String k : new String[] {"role", "instanceId", "epoch", "activeId", "leaseExpiresAt", "ha"}) {
                if (s.has(k)) out.set(k, s.get(k));
            }
            System.out.println(Json.pretty(out));
        }
    }
}

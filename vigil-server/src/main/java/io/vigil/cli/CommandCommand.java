package io.vigil.cli;

import io.vigil.http.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vigil command JSON}: the JSON command form of the cluster-manager CLI. */
@Command(name = "command", mixinStandardHelpOptions = true,
        description = {"Run a JSON command of the pull side (heartbeat, status or ping).", "For example:",
                "  vigil command '{\"level\":\"instances\",\"command\":{\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"all\"}}'",
                "action: heartbeat, ping (collect now, then status) or status; level: instances or services;",
                "group: all or a name; type: all or a service mode such as db; \"refresh\":true collects now;",
                "\"format\":\"clmgr\" answers in the cluster manager's document shape."})
public final class CommandCommand implements Callable<Integer> {
    @Mixin
    ServerClient client;

    @Parameters(index = "0", paramLabel = "JSON", description = "the command as a JSON object")
    String json;

    @Override
    public Integer call() {
        try {
            Json.MAPPER.readTree(json);
        } catch (Exception e) {
            System.err.println("vigil: the command is not valid JSON: " + e.getMessage());
            return 2;
        }
        return JsonCalls.print(() -> JsonCalls.post(client, "/api/v1/command", json));
    }
}

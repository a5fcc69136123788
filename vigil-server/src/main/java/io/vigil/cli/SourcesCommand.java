package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil sources}: tracked sources and their liveness. */
@Command(name = "sources", mixinStandardHelpOptions = true, description = "List tracked sources and their liveness state.")
public final class SourcesCommand implements Callable<Integer> {
    @Mixin
    ServerClient client;

    @Option(names = {"-e", "--event-name"}, paramLabel = "NAME", description = "only this eventName")
    String eventName;

    @Option(names = "--state", paramLabel = "STATE", description = "only ALIVE, MISSING or UNKNOWN")
    String state;

    @Option(names = "--flapping", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "only flapping sources (--flapping or --flapping=true) or only steady ones (--flapping=false)")
    Boolean flapping;

    public SourcesCommand() {
    }

    @Override
    public Integer call() {
        StringBuilder q = new StringBuilder("/api/v1/sources?limit=100000");
        if (eventName != null) q.append("&eventName=").append(URLEncoder.encode(eventName, StandardCharsets.UTF_8));
        if (state != null) q.append("&state=").append(URLEncoder.encode(state, StandardCharsets.UTF_8));
        if (flapping != null) q.append("&flapping=").append(flapping);
        try {
            JsonNode r = client.get(q.toString());
            if (client.json()) {
                System.out.println(Json.pretty(r));
                return 0;
            }
            System.out.printf("%-24s %-28s %-8s %-8s %-24s %s%n", "EVENT NAME", "SOURCE", "STATE", "CHANNEL", "LAST SEEN",
                    "NOTE");
            for (JsonNode s : r.path("sources")) {
                String note = s.path("flapping").asBoolean() ? "flapping" : "";
                if (!s.path("heldBy").isMissingNode() && !s.path("heldBy").isNull()) {
                    note = (note.isEmpty() ? "" : note + ", ") + "held by " + s.path("heldBy").asText();
                }
                System.out.printf("%-24s %-28s %-8s %-8s %-24s %s%n", s.path("eventName").asText(),
                        s.path("sourceName").asText(), s.path("state").asText(), s.path("channel").asText("-"),
                        s.path("lastSeen").asText("-"), note);
            }
            return 0;
        } catch (ServerClient.CallFailed e) {
            System.err.println("vigil: " + e.getMessage());
            return e.getMessage().contains("answered 400") ? 2 : 1;
        }
    }
}

package io.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.http.Json;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vigil status}: the running server's state, role and counts. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a running server's state, role and counts.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ServerClient client;

    public StatusCommand() {
    }

    @Override
    public Integer call() {
        try {
            JsonNode s = client.get("/api/v1/status");
            if (client.json()) {
                System.out.println(Json.pretty(s));
                return 0;
            }
            JsonNode c = s.path("counts");
            System.out.printf("state:    %s%nrole:     %s (epoch %s, instance %s)%nversion:  %s%n",
                    s.path("state").asText(), s.path("role").asText(), s.path("epoch").asText(),
                    s.path("instanceId").asText(), s.path("version").asText());
            System.out.printf("sources:  %d (alive %d, missing %d, unknown %d) in %d monitors%n",
                    c.path("sources").asLong(), c.path("alive").asLong(), c.path("missing").asLong(),
                    c.path("unknown").asLong(), c.path("monitors").asLong());
            s.path("ingest").path("channels").fields().forEachRemaining(e -> System.out.printf("ingest:   %s watermark lag %d ms, %d sources held%s%n",
                    e.getKey(), e.getValue().path("lagMillis").asLong(), e.getValue().path("heldSources").asLong(),
                    e.getValue().path("blind").asBoolean() ? " (BLIND)" : ""));
            var held = s.path("ingest").path("held");
            if (!held.isEmpty()) held.fields().forEachRemaining(e -> System.out.printf("BLIND:    %s (%s)%n", e.getKey(), e.getValue().asText()));
            for (JsonNode sink : s.path("sinks")) {
                System.out.printf("sink:     %s delivered %d, lag %d, failed attempts %d%n", sink.path("name").asText(),
                        sink.path("delivered").asLong(), sink.path("lag").asLong(), sink.path("failedAttempts").asLong());
            }
            return 0;
        } catch (ServerClient.CallFailed e) {
            System.err.println("vigil: " + e.getMessage());
            return 1;
        }
    }
}

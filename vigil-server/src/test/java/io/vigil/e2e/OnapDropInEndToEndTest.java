package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.http.Json;
import io.vigil.server.RunningServer;
import io.vigil.store.testing.TestDatabases;
import io.vigil.testing.ProjectFiles;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in story end to end: ONAP's own config JSON (only its addresses changed), its Message Router topics
 * (a stand-in MR over real HTTP), its PostgreSQL keys (the machine's real server): heartbeats in, one source falls
 * silent, its ONSET is published to DCAE_CL_OUTPUT, it comes back, its ABATED follows with the same requestID.
 */
class OnapDropInEndToEndTest {
    private static final String IN = "unauthenticated.SEC_HEARTBEAT_OUTPUT";
    private static final String OUT = "unauthenticated.DCAE_CL_OUTPUT";

    @TempDir
    Path dir;

    @Test
    void silentSourceGetsOneOnsetThenOneAbatedOnTheMessageRouterTopic() throws Exception {
        TestDatabases.requirePostgres();
        try (var pg = TestDatabases.freshPostgres();
             FakeMessageRouter mr = FakeMessageRouter.start()) {
            mr.setMaxWait(Duration.ofMillis(200));
            ObjectNode onap = (ObjectNode) Json.MAPPER.readTree(ProjectFiles.read(ProjectFiles.example("onap-config.json")));
            onap.put("pg_ipAddress", TestDatabases.postgresHost()).put("pg_portNum", String.valueOf(TestDatabases.postgresPort())).put("pg_userName", TestDatabases.postgresUser())
                    .put("pg_passwd", TestDatabases.postgresPassword()).put("pg_dbName", pg.name());
            ((ObjectNode) onap.at("/streams_subscribes/ves-heartbeat/dmaap_info")).put("topic_url", mr.topicUrl(IN).toString());
            ((ObjectNode) onap.at("/streams_publishes/dcae_cl_out/dmaap_info")).put("topic_url", mr.topicUrl(OUT).toString());
            // ONAP's interval is in seconds: 1 s x 2 missed keeps the test short
            onap.put("heartbeat_config", onap.get("heartbeat_config").asText()
                    .replace("\"heartbeatcountmissed\": 3, \"heartbeatinterval\": 60", "\"heartbeatcountmissed\": 2, \"heartbeatinterval\": 1"));
            onap.put("CBS_polling_allowed", "False");

            try (RunningServer vigil = RunningServer.start(dir, Json.pretty(onap));
                 var beats = new Beats(mr)) {
                beats.start("SRC_A", "SRC_B");
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        vigil.getJson("/api/v1/sources?eventName=Heartbeat_vDNS&state=ALIVE").path("count").asInt() == 2);

                beats.silence("SRC_B");
                await().atMost(Duration.ofSeconds(10)).until(() -> !events(mr).isEmpty());
                JsonNode onset = events(mr).getFirst();
                assertThat(onset.path("closedLoopEventStatus").asText()).isEqualTo("ONSET");
                assertThat(onset.path("AAI").path("generic-vnf.vnf-name").asText()).isEqualTo("SRC_B");
                assertThat(onset.path("closedLoopControlName").asText()).isEqualTo("ControlLoopEvent1");
                assertThat(onset.path("policyName").asText()).isEqualTo("vFireWall");
                assertThat(onset.path("closedLoopEventClient").asText()).isEqualTo("DCAE_Heartbeat_MS");
                assertThat(onset.path("from").asText()).isEqualTo("DCAE");
                assertThat(mr.published(OUT).getFirst().headers().get("content-type")).startsWith("application/json");
                // awaited: on a loaded machine a slow long poll can hold the DMaaP channel for a moment
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(vigil.getJson("/api/v1/sources?state=MISSING")
                        .path("sources").findValuesAsText("sourceName")).containsExactly("SRC_B"));

                beats.start("SRC_B");
                await().atMost(Duration.ofSeconds(10)).until(() -> events(mr).size() == 2);
                JsonNode abated = events(mr).get(1);
                assertThat(abated.path("closedLoopEventStatus").asText()).isEqualTo("ABATED");
                assertThat(abated.path("requestID").asText()).isEqualTo(onset.path("requestID").asText());
                assertThat(abated.path("closedLoopAlarmStart").asLong()).isEqualTo(onset.path("closedLoopAlarmStart").asLong());
                assertThat(abated.path("closedLoopAlarmEnd").asLong()).isGreaterThan(onset.path("closedLoopAlarmStart").asLong());
                // SRC_A never missed a beat: no event about it; the events API shows the same two events
                assertThat(events(mr)).allMatch(e -> e.path("AAI").path("generic-vnf.vnf-name").asText().equals("SRC_B"));
                JsonNode api = vigil.getJson("/api/v1/events?since=10m");
                assertThat(api.path("events").findValuesAsText("kind")).containsExactly("ONSET", "ABATED");
            }
        }
    }

    private static List<JsonNode> events(FakeMessageRouter mr) {
        return mr.publishedBodies(OUT).stream().map(RunningServer::json).toList();
    }

    /** Heartbeats of the "live" sources enqueued on the MR input topic every 200 ms, as serialised strings. */
    private static final class Beats implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final java.util.Set<String> live = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final AtomicBoolean started = new AtomicBoolean();

        Beats(FakeMessageRouter mr) {
            timer.scheduleAtFixedRate(() -> {
                for (String s : live) mr.enqueue(IN, RunningServer.heartbeat("Heartbeat_vDNS", s));
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        void start(String... sources) {
            live.addAll(List.of(sources));
            started.set(true);
        }

        void silence(String source) {
            live.remove(source);
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}

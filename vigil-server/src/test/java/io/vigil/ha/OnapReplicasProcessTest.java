package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.http.Json;
import io.vigil.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONAP runs its heartbeat service as replicas on one PostgreSQL, the first active and the others inactive. Two real
 * processes with the same ONAP JSON (no Vigil key in it) form that group by themselves: both bind HTTP at once,
 * {@code /readyz} tells the ACTIVE from the STANDBY, and when the active is killed the standby takes over and raises
 * the ONSET of the source that died, once.
 */
class OnapReplicasProcessTest {
    static final String EVENT = "Heartbeat_vDNS";

    @TempDir
    Path dir;

    private static String onapJson(TestDatabases.FreshPostgres pg) throws Exception {
        ObjectNode onap = (ObjectNode) Json.MAPPER.readTree(java.nio.file.Files.readString(Path.of("..", "examples", "onap-config.json")));
        onap.put("pg_ipAddress", TestDatabases.postgresHost()).put("pg_portNum", String.valueOf(TestDatabases.postgresPort()))
                .put("pg_userName", TestDatabases.postgresUser()).put("pg_passwd", TestDatabases.postgresPassword())
                .put("pg_dbName", pg.name());
        onap.remove("streams_subscribes"); // heartbeats come over HTTP here; ONSETs go to the log sink
        onap.remove("streams_publishes");
        onap.put("CBS_polling_allowed", "False");
        onap.put("heartbeat_config", onap.get("heartbeat_config").asText()
                .replace("\"heartbeatcountmissed\": 3, \"heartbeatinterval\": 60", "\"heartbeatcountmissed\": 2, \"heartbeatinterval\": 1"));
        return Json.pretty(onap);
    }

    private VigilProcess replica(String id, String json) throws Exception {
        return VigilProcess.start(dir.resolve(id), id, "heartbeat-config.json", json, port -> Map.of(
                "VIGIL_HA_INSTANCE_ID", id, "VIGIL_HA_LEASE_TTL", "2s",
                "VIGIL_HA_ADVERTISE_URL", "http://127.0.0.1:" + port)); // stay on loopback in tests
    }

    @Test
    void twoReplicasWithTheUnchangedOnapJsonAreActiveAndStandbyAndTheStandbyTakesOver() throws Exception {
        try (var pg = TestDatabases.freshPostgres()) {
            String json = onapJson(pg);
            try (var a = replica("onap-a", json)) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> a.role().equals("ACTIVE"));
                try (var b = replica("onap-b", json)) {
                    // the second replica binds HTTP at once: up (healthz) while the first one holds the lease
                    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> b.statusOf("/healthz") == 200);
                    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                            .until(() -> b.getJson("/readyz").map(r -> r.path("role").asText()).orElse("").equals("STANDBY"));
                    assertThat(a.getJson("/readyz").orElseThrow().path("role").asText()).isEqualTo("ACTIVE");

                    try (var beater = new Beater(List.of(a, b), EVENT, List.of("vnf-live", "vnf-dying"), 250)) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> a.status().map(s -> s.path("counts").path("alive").asInt() == 2).orElse(false));
                        long rounds = beater.completedRounds();
                        beater.silence("vnf-dying");
                        await().atMost(Duration.ofSeconds(10)).until(() -> beater.completedRounds() >= rounds + 2);
                        a.kill9();
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> b.role().equals("ACTIVE"));
                        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                                assertThat(b.getJson("/api/v1/events?since=10m").orElseThrow().toString()).contains("vnf-dying").contains("ONSET"));
                        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                            String events = b.getJson("/api/v1/events?since=10m").orElseThrow().toString();
                            assertThat(events).doesNotContain("vnf-live");
                        });
                        assertThat(b.logText()).contains("HA role ACTIVE");
                    }
                }
            }
        }
    }
}

package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code vigil serve} processes against one fresh PostgreSQL database, heartbeats sent to both (a load
 * balancer), change events counted at a webhook: kill -9 and SIGSTOP/SIGCONT of the active instance.
 */
class ActiveStandbyProcessTest {
    private static final String EVENT = HaCluster.EVENT;
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void killedActiveIsReplacedWithinTtlPlusOneSecondAndEachDeadSourceGetsExactlyOneOnset() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink();
             var a = VigilProcess.start(dir.resolve("a"), "a", HaCluster.yaml(pg.url(), sink.url(), "vigil-a"))) {
            await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> a.role().equals("ACTIVE"));
            try (var b = VigilProcess.start(dir.resolve("b"), "b", HaCluster.yaml(pg.url(), sink.url(), "vigil-b"));
                 var beater = new Beater(List.of(a, b), EVENT, List.of("live", "dying", "gone"), 250)) {
                await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> b.status()
                        .map(s -> s.path("role").asText().equals("STANDBY") && s.path("activeId").asText().equals("vigil-a"))
                        .orElse(false));
                // "gone" dies well before the kill: the active raises its ONSET, the new active must not raise it again
                beater.silence("gone");
                await().atMost(Duration.ofSeconds(15)).until(() -> sink.of("gone", "ONSET").size() == 1);
                // "dying" dies just before the kill: only the new active can raise its ONSET, exactly once. Kill once
                // every sender finished two rounds without it: none of its heartbeats is still in flight, and the
                // active has checkpointed its last one.
                long roundsBefore = beater.completedRounds();
                beater.silence("dying");
                await().atMost(Duration.ofSeconds(10)).until(() -> beater.completedRounds() >= roundsBefore + 2);
                long killedAt = System.nanoTime();
                a.kill9();
                await().atMost(HaCluster.TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                        .until(() -> b.role().equals("ACTIVE"));
                long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.println("HA takeover after kill -9: " + takeoverMillis + " ms (TTL " + HaCluster.TTL.toMillis() + " ms)");
                assertThat(takeoverMillis).as("takeover time after kill -9").isLessThanOrEqualTo(HaCluster.TTL.toMillis() + 1000);

                await().atMost(Duration.ofSeconds(15)).until(() -> sink.of("dying", "ONSET").size() == 1);
                // and nothing more for a while: no second ONSET, no false alarm for the live source
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15))
                        .untilAsserted(() -> assertThat(sink.all()).as("everything the sink received").hasSize(2));
                assertThat(sink.of("gone", "ONSET")).hasSize(1);
                assertThat(sink.of("dying", "ONSET")).hasSize(1);
                assertThat(sink.of("live", "ONSET")).isEmpty();
                assertThat(b.logText()).contains("HA role ACTIVE").contains("took over from vigil-a");
            }
        }
    }

    @Test
    void pausedActiveEmitsNothingAfterItsLeaseLapsedAndComesBackAsStandby() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink();
             var a = VigilProcess.start(dir.resolve("a"), "a", HaCluster.yaml(pg.url(), sink.url(), "vigil-a"))) {
            await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> a.role().equals("ACTIVE"));
            long epochOfA = a.status().orElseThrow().path("epoch").asLong();
            try (var b = VigilProcess.start(dir.resolve("b"), "b", HaCluster.yaml(pg.url(), sink.url(), "vigil-b"));
                 var beater = new Beater(List.of(a, b), EVENT, List.of("live", "dying"), 250)) {
                await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> b.role().equals("STANDBY"));
                await().atMost(Duration.ofSeconds(10)).until(() -> a.status().orElseThrow().path("counts").path("alive").asInt() == 2);
                // "dying" goes silent and A is frozen before its deadline: A decides the ONSET only once it thaws,
                // long after it lost the lease; the store and the relays must refuse it, B raises the only one
                beater.silence("dying");
                a.signal("STOP");
                long stoppedAtMillis = System.currentTimeMillis();
                await().atMost(HaCluster.TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> b.role().equals("ACTIVE"));
                await().atMost(Duration.ofSeconds(15)).until(() -> sink.of("dying", "ONSET").size() == 1);
                a.signal("CONT");
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> a.status()
                        .map(s -> s.path("role").asText().equals("STANDBY") && s.path("ha").path("phase").asText().equals("STANDBY"))
                        .orElse(false));
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(() -> sink.all().size() == 1);
                assertThat(sink.of("dying", "ONSET")).hasSize(1);
                assertThat(sink.of("live", "ONSET")).isEmpty();
                // not a single row of the old epoch after the pause
                long late = pg.database().withConnection(c -> {
                    try (var ps = c.prepareStatement("SELECT count(*) FROM outbox WHERE epoch = ? AND created_at_ms >= ?")) {
                        ps.setLong(1, epochOfA);
                        ps.setLong(2, stoppedAtMillis);
                        try (var rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getLong(1);
                        }
                    }
                });
                assertThat(late).isZero();
                assertThat(new LeaseRepository(pg.database()).current(LeaseRepository.ACTIVE).orElseThrow().owner()).isEqualTo("vigil-b");
                assertThat(a.logText()).contains("HA role STANDBY");
                // the old active forwards again: a heartbeat sent to it reaches B
                assertThat(a.heartbeat(EVENT, "late")).isEqualTo(202);
                await().atMost(Duration.ofSeconds(15)).until(() -> b.status().orElseThrow().path("counts").path("sources").asInt() == 3);
            }
        }
    }
}

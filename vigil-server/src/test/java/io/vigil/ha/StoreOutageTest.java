package io.vigil.ha;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.server.RunningServer;
import io.vigil.store.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL restarted under an active instance (in process, and with real active and standby processes): detection goes on from memory, change events wait in memory (the
 * instance stops emitting while it cannot prove it holds the lease) and are written and delivered when the database
 * returns: nothing lost, nothing doubled. Restarts the machine's PostgreSQL server, briefly, and always starts it
 * again.
 */
class StoreOutageTest {
    @TempDir
    Path dir;

    @Test
    void sourceThatDiesWhileThePostgresServerRestartsGetsExactlyOneOnsetAfterItReturns() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink()) {
            Files.createDirectories(dir.resolve("a"));
            try (RunningServer a = RunningServer.start(dir.resolve("a"), HaCluster.yaml(pg.url(), sink.url(), "vigil-a"))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> role(a).equals("ACTIVE"));
                for (String s : new String[] {"live", "dying"}) {
                    assertThat(a.post("/eventListener/v7", heartbeat(HaCluster.EVENT, s)).statusCode()).isEqualTo(202);
                }
                Thread beater = Thread.ofPlatform().daemon(true).start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        a.post("/eventListener/v7", heartbeat(HaCluster.EVENT, "live"));
                        try {
                            TimeUnit.MILLISECONDS.sleep(250); // the sender's heartbeat period, not a test wait
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                try {
                    restartPostgres(); // "dying" falls silent now: its deadline passes while the store is away
                    await().atMost(Duration.ofSeconds(30)).until(() -> sink.of("dying", "ONSET").size() == 1);
                    await().atMost(Duration.ofSeconds(15)).until(() -> role(a).equals("ACTIVE"));
                    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(() -> sink.all().size() == 1);
                    assertThat(sink.of("live", "ONSET")).isEmpty();
                    assertThat(a.getJson("/api/v1/status").path("storeHealthy").asBoolean()).isTrue();
                } finally {
                    beater.interrupt();
                }
            }
        }
    }

    @Test
    void realProcessesThroughAPostgresRestartDeliverExactlyTheOnsetOfTheSourceThatDied() throws Exception {
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink();
             var a = VigilProcess.start(dir.resolve("pa"), "a", HaCluster.yaml(pg.url(), sink.url(), "vigil-a"))) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> a.role().equals("ACTIVE"));
            try (var b = VigilProcess.start(dir.resolve("pb"), "b", HaCluster.yaml(pg.url(), sink.url(), "vigil-b"));
                 var beater = new Beater(java.util.List.of(a, b), HaCluster.EVENT, java.util.List.of("live", "dying"), 250)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> b.role().equals("STANDBY"));
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        a.status().map(st -> st.path("counts").path("alive").asInt() == 2).orElse(false));
                beater.silence("dying"); // its deadline passes while the database restarts
                restartPostgres();
                await().atMost(Duration.ofSeconds(30)).until(() -> sink.of("dying", "ONSET").size() == 1);
                // the instances settle on one ACTIVE, and nothing else is ever delivered: no duplicate, no false alarm
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() ->
                        java.util.stream.Stream.of(a, b).filter(p -> p.role().equals("ACTIVE")).count() == 1);
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(15)).until(() -> sink.all().size() == 1);
                assertThat(sink.of("live", "ONSET")).isEmpty();
            }
        }
    }

    private static void restartPostgres() throws Exception {
        TestDatabases.restartPostgres();
    }

    private static String role(RunningServer s) {
        return s.getJson("/api/v1/status").path("role").asText();
    }
}

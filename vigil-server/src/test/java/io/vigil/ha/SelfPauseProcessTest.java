package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "No false alarm from Vigil's own blindness", with a real {@code vigil serve} process: it is stopped (SIGSTOP) for
 * 5 s while 11 sources post heartbeats every 250 ms (threshold 2 s, arrival time). The heartbeats wait in the
 * sockets; on SIGCONT the live sources get no ONSET, and the one source that died during the pause gets exactly one.
 */
class SelfPauseProcessTest {
    private static final String EVENT = "Heartbeat_vBlind";
    private static final Duration START = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void stoppedProcessRaisesNoOnsetForLiveSourcesAndExactlyOneForTheSourceThatDiedMeanwhile() throws Exception {
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < 10; i++) sources.add("live-" + i);
        sources.add("dies");
        Set<String> silenced = ConcurrentHashMap.newKeySet();
        List<Thread> senders = new ArrayList<>();
        try (var sink = new EventSink();
             var vigil = VigilProcess.start(dir.resolve("v"), "v", """
                     http:
                       host: 127.0.0.1
                     monitors:
                       - eventName: %s
                         heartbeatInterval: 1s
                         missedHeartbeats: 2
                         timeBase: arrival
                     publish:
                       - type: webhook
                         url: %s
                     """.formatted(EVENT, sink.url()))) {
            await().atMost(START).pollInterval(Duration.ofMillis(100)).until(() -> vigil.role().equals("ACTIVE"));
            for (String s : sources) {
                senders.add(Thread.ofVirtual().name("source-" + s).start(() -> {
                    while (!Thread.currentThread().isInterrupted() && !silenced.contains(s)) {
                        vigil.heartbeat(EVENT, s); // a failure (timeout while stopped) is what a real sender sees
                        LockSupport.parkNanos(250_000_000L);
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> vigil.status().map(st -> st.path("counts").path("alive").asInt() == 11).orElse(false));
            // some seconds of normal work first: no false alarm to begin with
            await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            assertThat(sink.all()).isEmpty();

            vigil.signal("STOP");
            long stoppedAt = System.nanoTime();
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            silenced.add("dies"); // it dies while Vigil cannot hear
            await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(10))
                    .until(() -> System.nanoTime() - stoppedAt >= 5_000_000_000L);
            vigil.signal("CONT");

            await().atMost(Duration.ofSeconds(15)).until(() -> sink.of("dies", "ONSET").size() == 1);
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                    .untilAsserted(() -> assertThat(sink.all()).as("everything the sink received").hasSize(1));
            assertThat(sink.of("dies", "ONSET")).hasSize(1);
            JsonNode status = vigil.status().orElseThrow();
            assertThat(status.path("ingest").path("channels").path("http").path("blind").asBoolean()).isFalse();
            assertThat(status.path("ingest").path("detectorPausedSeconds").asDouble()).isGreaterThanOrEqualTo(4.0);
            assertThat(vigil.logText()).containsAnyOf("Ingest channel http is blind", "Ingest channel http was blind for")
                    .contains("detector did not run for");
        } finally {
            senders.forEach(Thread::interrupt);
        }
    }
}

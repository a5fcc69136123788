package io.vigil.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.server.RunningServer;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Message Router's outage is not the sources' fault: while it cannot be reached nobody is declared missing;
 * once it answers again, a source that really died gets its ONSET after the grace period, the others none.
 */
class DmaapOutageEndToEndTest {
    private static final String IN = "unauthenticated.SEC_HEARTBEAT_OUTPUT";

    @TempDir
    Path dir;

    @Test
    void noOnsetWhileMessageRouterIsDownAndOnlyTheDeadSourceAfterItReturns() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Set<String> live = ConcurrentHashMap.newKeySet();
        try (FakeMessageRouter mr = FakeMessageRouter.start();
             RunningServer vigil = RunningServer.start(dir, """
                     monitors:
                       - {eventName: Heartbeat_vDNS, heartbeatInterval: 1s, missedHeartbeats: 2}
                     ingest:
                       dmaap: {url: "%s", group: hbgrp, consumer: "1", pollTimeout: 1s}
                     publish:
                       - type: log
                     """.formatted(mr.topicUrl(IN)))) {
            timer.scheduleAtFixedRate(() -> live.forEach(s -> mr.enqueue(IN, RunningServer.heartbeat("Heartbeat_vDNS", s))),
                    0, 200, TimeUnit.MILLISECONDS);
            live.addAll(List.of("live", "dies"));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/sources?state=ALIVE").path("count").asInt() == 2);

            live.remove("dies");
            mr.down();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/status").path("ingest").path("held").has("dmaap"));
            // three thresholds of silence for everybody while MR is down: still no ONSET
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> onsets(vigil).isEmpty());

            mr.up();
            await().atMost(Duration.ofSeconds(30)).until(() -> !onsets(vigil).isEmpty());
            assertThat(vigil.getJson("/api/v1/status").path("ingest").path("held").has("dmaap")).isFalse();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(() -> onsets(vigil).equals(List.of("dies")));
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * The Message Router answers 503 for 3 s and then hangs for 10 s (its polls time out) while 10 sources keep
     * publishing to it and one dies: no ONSET while MR cannot be heard; afterwards exactly one, for the dead source.
     */
    @Test
    void messageRouterAnswering503ThenHangingRaisesNoFalseOnsetAndExactlyOneForTheSourceThatDiedMeanwhile() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Set<String> live = ConcurrentHashMap.newKeySet();
        try (FakeMessageRouter mr = FakeMessageRouter.start();
             RunningServer vigil = RunningServer.start(dir, """
                     monitors:
                       - {eventName: Heartbeat_vDNS, heartbeatInterval: 1s, missedHeartbeats: 2}
                     ingest:
                       dmaap: {url: "%s", group: hbgrp, consumer: "1", pollTimeout: 1s}
                     publish:
                       - type: log
                     """.formatted(mr.topicUrl(IN)))) {
            mr.setMaxWait(Duration.ofMillis(500));
            timer.scheduleAtFixedRate(() -> live.forEach(s -> mr.enqueue(IN, RunningServer.heartbeat("Heartbeat_vDNS", s))),
                    0, 200, TimeUnit.MILLISECONDS);
            for (int i = 0; i < 10; i++) live.add("live-" + i);
            live.add("dies");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    vigil.getJson("/api/v1/sources?state=ALIVE").path("count").asInt() == 11);

            long outageStart = System.nanoTime();
            mr.failWith(503);
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    vigil.getJson("/api/v1/status").path("ingest").path("held").has("dmaap"));
            live.remove("dies"); // it dies while Vigil cannot hear MR
            await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - outageStart > TimeUnit.SECONDS.toNanos(3));
            mr.hang();
            long hangStart = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(onsets(vigil)).as("no ONSET while MR cannot be heard").isEmpty();
                return System.nanoTime() - hangStart > TimeUnit.SECONDS.toNanos(10);
            });
            mr.heal();

            await().atMost(Duration.ofSeconds(30)).until(() -> !onsets(vigil).isEmpty());
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> onsets(vigil).equals(List.of("dies")));
            assertThat(vigil.getJson("/api/v1/status").path("ingest").path("channels").path("dmaap").path("blind").asBoolean()).isFalse();
        } finally {
            timer.shutdownNow();
        }
    }

    private static List<String> onsets(RunningServer vigil) {
        List<String> out = new java.util.ArrayList<>();
        for (var e : vigil.getJson("/api/v1/events?since=5m").path("events")) {
            if (e.path("kind").asText().equals("ONSET")) out.add(e.path("sourceName").asText());
        }
        return out;
    }
}

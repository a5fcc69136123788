package io.vigil.ha;

import static org.awaitility.Awaitility.await;

import io.vigil.store.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks-ha.md, opt-in ({@code -Dvigil.bench=true}): takeover time over repeated kill -9 of
 * the active process, and the cost of sending heartbeats through a standby (forwarded) instead of to the active.
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class HaBenchmark {
    @TempDir
    Path dir;

    @Test
    void takeoverTimeOverRepeatedKillsAndForwardingCost() throws Exception {
        int kills = Integer.getInteger("vigil.bench.kills", 20);
        try (var pg = TestDatabases.freshPostgres(); var sink = new EventSink()) {
            List<Long> takeovers = new ArrayList<>();
            VigilProcess active = VigilProcess.start(dir.resolve("p0"), "p0", HaCluster.yaml(pg.url(), sink.url(), "vigil-0"));
            await().atMost(Duration.ofSeconds(60)).until(() -> active.role().equals("ACTIVE"));
            VigilProcess standby = VigilProcess.start(dir.resolve("p1"), "p1", HaCluster.yaml(pg.url(), sink.url(), "vigil-1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> standby.role().equals("STANDBY"));
            VigilProcess a = active, s = standby;
            forwardingCost(a, s);
            for (int i = 2; i < kills + 2; i++) {
                // a random point in the renewal cycle
                await().pollDelay(Duration.ofMillis((long) (Math.random() * 700))).until(() -> true);
                long t0 = System.nanoTime();
                a.kill9();
                VigilProcess next = s;
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> next.role().equals("ACTIVE"));
                takeovers.add((System.nanoTime() - t0) / 1_000_000);
                a = next;
                s = VigilProcess.start(dir.resolve("p" + i), "p" + i, HaCluster.yaml(pg.url(), sink.url(), "vigil-" + i));
                VigilProcess st = s;
                await().atMost(Duration.ofSeconds(60)).until(() -> st.role().equals("STANDBY"));
            }
            a.close();
            s.close();
            Collections.sort(takeovers);
            System.out.printf("BENCH takeover after kill -9, TTL %d ms, %d kills: p50 %d ms, p99/max %d ms, min %d ms, all %s%n",
                    HaCluster.TTL.toMillis(), takeovers.size(), takeovers.get(takeovers.size() / 2),
                    takeovers.get(takeovers.size() - 1), takeovers.get(0), takeovers);
        }
    }

    private static void forwardingCost(VigilProcess active, VigilProcess standby) throws Exception {
        for (int round = 0; round < 2; round++) { // the first round warms both JVMs up
            for (VigilProcess target : List.of(active, standby)) {
                double[] r = load(target, 8, Duration.ofSeconds(5));
                if (round == 1) {
                    System.out.printf("BENCH heartbeats to %s (%s): %.0f/s with 8 concurrent senders, mean latency %.2f ms%n",
                            target.id, target == active ? "active, direct" : "standby, forwarded", r[0], r[1]);
                }
            }
        }
    }

    /** Sends single VES heartbeats with {@code senders} synchronous clients; returns {rate/s, mean latency ms}. */
    private static double[] load(VigilProcess target, int senders, Duration length) throws Exception {
        AtomicLong ok = new AtomicLong();
        AtomicLong nanos = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        // the pool is closed (awaits its senders) before the client it uses
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             var pool = Executors.newFixedThreadPool(senders)) {
            for (int t = 0; t < senders; t++) {
                int id = t;
                pool.submit(() -> {
                    int n = 0;
                    while (System.nanoTime() < end) {
                        long t0 = System.nanoTime();
                        try {
                            int code = client.send(HttpRequest.newBuilder(URI.create(target.url("/eventListener/v7")))
                                    .POST(HttpRequest.BodyPublishers.ofString(io.vigil.server.RunningServer.heartbeat(
                                            HaCluster.EVENT, "bench-" + id + "-" + (n++ % 100)))).build(),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (code == 202) {
                                ok.incrementAndGet();
                                nanos.addAndGet(System.nanoTime() - t0);
                            }
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
            }
        }
        return new double[] {ok.get() / (double) length.toSeconds(), ok.get() == 0 ? 0 : nanos.get() / 1e6 / ok.get()};
    }
}

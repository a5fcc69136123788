package io.vigil.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.bench.engine.BenchMonitors;
import io.vigil.bench.engine.LagStats;
import io.vigil.bench.engine.VesSamples;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * ONSET lag end to end through a running Vigil server: VES eventBatch over HTTP in, the ONAP control-loop event out
 * through the outbox and the webhook relay to a local Vert.x HTTP server that records when each ONSET arrives.
 *
 * <p>Every source sends one heartbeat whose {@code lastEpochMicrosec} is chosen (in the past, spread evenly over
 * {@code spreadSeconds}), so each deadline ({@code lastSeen + threshold}) is known; the server must run a monitor
 * {@code Heartbeat_bench} with {@code timeBase: event} and that threshold, and publish to
 * {@code http://127.0.0.1:<receiverPort>/onset} (see {@code run-e2e-onset.sh}). Reports per ONSET:
 * <b>decided</b> = {@code closedLoopAlarmStart − deadline} and <b>at the sink</b> = arrival at the webhook −
 * deadline, both in ms on this machine's clock.
 *
 * <p>{@code java -cp vigil-bench.jar io.vigil.bench.http.EndToEndOnsetLag <serverUrl> <receiverPort> <sources>
 * <thresholdSeconds> <spreadSeconds>}
 */
public final class EndToEndOnsetLag {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEndOnsetLag() {
    }

    public static void main(String[] args) throws Exception {
        String server = args[0];
        int receiverPort = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long thresholdMillis = Long.parseLong(args[3]) * 1000;
        long spreadMillis = Long.parseLong(args[4]) * 1000;

        long[] deadline = new long[n];
        boolean[] seenOnset = new boolean[n];
        LagStats decided = new LagStats(n), atSink = new LagStats(n);
        CountDownLatch all = new CountDownLatch(n);
        int[] duplicates = {0};
        Vertx vertx = Vertx.vertx();
        // the receiver: one event loop, so the stats need no locking
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            long arrived = System.currentTimeMillis();
            try {
                JsonNode e = JSON.readTree(body.getBytes());
                if ("ONSET".equals(e.path("closedLoopEventStatus").asText())) {
                    String source = e.path("AAI").path("generic-vnf.vnf-name").asText();
                    int i = Integer.parseInt(source.substring(4));
                    if (seenOnset[i]) {
                        duplicates[0]++;
                    } else {
                        seenOnset[i] = true;
                        decided.add(e.path("closedLoopAlarmStart").asLong() - deadline[i]);
                        atSink.add(arrived - deadline[i]);
                        all.countDown();
                    }
                }
                req.response().setStatusCode(200).end();
            } catch (Exception ex) {
                req.response().setStatusCode(400).end(String.valueOf(ex));
            }
        })).listen(receiverPort, "127.0.0.1").await(10, TimeUnit.SECONDS);

        // heartbeats: eventBatch of 100, lastSeen_i = start - spread + i * spread / n (in the past: never clamped)
        java.net.URI uri = java.net.URI.create(server + "/eventListener/v7/eventBatch");
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
        Semaphore inFlight = new Semaphore(16);
        long start = System.currentTimeMillis();
        long firstSeen = start - spreadMillis;
        int[] failed = {0};
        for (int from = 0; from < n; from += 100) {
            int to = Math.min(n, from + 100);
            StringBuilder sb = new StringBuilder("{\"eventList\":[");
            for (int i = from; i < to; i++) {
                long seen = firstSeen + i * spreadMillis / n;
                deadline[i] = seen + thresholdMillis;
                if (i > from) sb.append(',');
                sb.append(VesSamples.event(BenchMonitors.sourceName(i), seen * 1000));
            }
            Buffer body = Buffer.buffer(sb.append("]}").toString());
            inFlight.acquire();
            http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
                            .setURI(uri.getPath()).putHeader("Content-Type", "application/json"))
                    .compose(r -> r.send(body)).onComplete(ar -> {
                        if (ar.failed() || ar.result().statusCode() != 202) {
                            synchronized (failed) {
                                failed[0]++;
                            }
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(16);
        long sentAt = System.currentTimeMillis();
        System.out.printf("sources=%d threshold=%d ms spread=%d ms: heartbeats sent in %d ms (%d failed requests);"
                + " first deadline in %d ms%n", n, thresholdMillis, spreadMillis, sentAt - start, failed[0],
                firstSeen + thresholdMillis - sentAt);
        boolean complete = all.await(thresholdMillis + 5 * 60_000, TimeUnit.MILLISECONDS);
        System.out.printf("%s: last ONSET at the sink %d ms after the last deadline; duplicates %d%n",
                complete ? "all ONSETs received" : "TIMED OUT with " + all.getCount() + " missing",
                System.currentTimeMillis() - deadline[n - 1], duplicates[0]);
        System.out.println("decided: " + decided.summary());
        System.out.println("at sink: " + atSink.summary());
        vertx.close().await(5, TimeUnit.SECONDS);
        System.exit(complete ? 0 : 1);
    }
}

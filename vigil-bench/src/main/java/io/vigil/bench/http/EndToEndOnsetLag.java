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
 * <p>With {@code silentEvery} k > 1 only every k-th source goes silent; the others keep sending heartbeats (every
 * threshold / 3, in eventBatches) until every silent source had its ONSET, so the sink sees a realistic trickle of
 * ONSETs among a large live fleet, and any ONSET of a beating source is counted as a false alarm. By default the
 * whole live fleet is sent at once each period ({@code burst}); with {@code paced} each batch goes at its own moment
 * in the period, as a fleet that beats continuously would send.
 *
 * <p>{@code java -cp vigil-bench.jar io.vigil.bench.http.EndToEndOnsetLag <serverUrl> <receiverPort> <sources>
 * <thresholdSeconds> <spreadSeconds> [silentEvery] [burst|paced]}
 */
public final class EndToEndOnsetLag {
    private static final ObjectMapper JSON = io.vigil.json.JsonMappers.MAPPER;

    private EndToEndOnsetLag() {
    }

    /** POSTs one eventBatch with at most 16 requests in flight; counts failures. */
    private static void post(HttpClient http, java.net.URI uri, Buffer body, Semaphore inFlight, int[] failed)
            throws InterruptedException {
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

    public static void main(String[] args) throws Exception {
        String server = args[0];
        int receiverPort = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long thresholdMillis = Long.parseLong(args[3]) * 1000;
        long spreadMillis = Long.parseLong(args[4]) * 1000;
        int silentEvery = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        boolean paced = args.length > 6 && args[6].equals("paced");
        int silent = (n + silentEvery - 1) / silentEvery;
        if (thresholdMillis < spreadMillis + 20_000) {
            // lastSeen_i lies up to spread in the past: the first deadline must still be ahead once all are sent
            throw new IllegalArgumentException("threshold must exceed spread by at least 20 s (time to send the heartbeats)");
        }

        long[] deadline = new long[n];
        boolean[] seenOnset = new boolean[n];
        LagStats decided = new LagStats(n), atSink = new LagStats(n);
        CountDownLatch all = new CountDownLatch(silent);
        int[] duplicates = {0}, falseAlarms = {0};
        Vertx vertx = Vertx.vertx();
        // the receiver: one event loop, so the stats need no locking
        vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            long arrived = System.currentTimeMillis();
            try {
                JsonNode e = JSON.readTree(body.getBytes());
                if ("ONSET".equals(e.path("closedLoopEventStatus").asText())) {
                    String source = e.path("AAI").path("generic-vnf.vnf-name").asText();
                    int i = Integer.parseInt(source.substring(4));
                    if (i % silentEvery != 0) {
                        falseAlarms[0]++; // a source that kept sending heartbeats
                    } else if (seenOnset[i]) {
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
            post(http, uri, body, inFlight, failed);
        }
        inFlight.acquire(16);
        inFlight.release(16);
        long sentAt = System.currentTimeMillis();
        System.out.printf("sources=%d threshold=%d ms spread=%d ms: heartbeats sent in %d ms (%d failed requests);"
                + " first deadline in %d ms%n", n, thresholdMillis, spreadMillis, sentAt - start, failed[0],
                firstSeen + thresholdMillis - sentAt);
        if (sentAt >= firstSeen + thresholdMillis) System.out.println("WARNING: sending overran the first deadline; lags are not valid");
        boolean complete;
        if (silentEvery == 1) {
            complete = all.await(thresholdMillis + 5 * 60_000, TimeUnit.MILLISECONDS);
        } else {
            // the other sources keep beating (current time) every threshold / 3 until every silent one had its ONSET
            // burst: the whole live fleet in one go every period (a fleet whose clocks are aligned); paced: each batch
            // at its own moment in the period (a fleet beating continuously), so ingest does not come in waves
            long until = System.currentTimeMillis() + thresholdMillis + 5 * 60_000;
            long period = thresholdMillis / 3;
            int batches = (n - silent + 99) / 100;
            do {
                long periodStart = System.currentTimeMillis();
                StringBuilder sb = null;
                int inBatch = 0;
                int batch = 0;
                for (int i = 0; i < n; i++) {
                    if (i % silentEvery == 0) continue;
                    if (sb == null) sb = new StringBuilder("{\"eventList\":[");
                    else sb.append(',');
                    long now = System.currentTimeMillis();
                    sb.append(VesSamples.event(BenchMonitors.sourceName(i), now * 1000));
                    if (++inBatch == 100 || i == n - 1) {
                        if (paced) {
                            long due = periodStart + batch * period / batches;
                            while (System.currentTimeMillis() < due) {
                                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                            }
                        }
                        batch++;
                        post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight, failed);
                        sb = null;
                        inBatch = 0;
                    }
                }
                if (sb != null) post(http, uri, Buffer.buffer(sb.append("]}").toString()), inFlight, failed);
                long rest = Math.max(0, periodStart + period - System.currentTimeMillis());
                if (all.await(rest, TimeUnit.MILLISECONDS)) break;
            } while (System.currentTimeMillis() < until);
            complete = all.getCount() == 0;
        }
        System.out.printf("%s (%d silent of %d sources): done %d ms after the last deadline; duplicates %d;"
                        + " false ONSETs of beating sources %d; failed requests %d%n",
                complete ? "all ONSETs received" : "TIMED OUT with " + all.getCount() + " missing", silent, n,
                System.currentTimeMillis() - deadline[n - 1], duplicates[0], falseAlarms[0], failed[0]);
        System.out.println("decided: " + decided.summary());
        System.out.println("at sink: " + atSink.summary());
        vertx.close().await(5, TimeUnit.SECONDS);
        System.exit(complete ? 0 : 1);
    }
}

package io.vigil.bench.http;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop Vert.x HTTP load generator, to tell apart the cost of Vert.x's HTTP client from the way
 * {@code vigil send} drives it: K lanes, each sends its next request from the previous response's callback, so every
 * request starts on the event loop that owns the connection (no hand-off from a foreign thread, no semaphore).
 * Posts one body file (like wrk). Prints requests/s.
 *
 * <p>{@code java -cp vigil-bench.jar io.vigil.bench.http.EventLoopSender <url> <bodyFile> <connections> <seconds>}
 */
public final class EventLoopSender {
    private EventLoopSender() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Buffer body = Buffer.buffer(Files.readAllBytes(Path.of(args[1])));
        int lanes = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(lanes));
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost()).setPort(uri.getPort())
                .setURI(uri.getPath()).putHeader("Content-Type", "application/json");
        LongAdder ok = new LongAdder(), failed = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(lanes);
        long start = System.nanoTime();
        vertx.runOnContext(v -> {
            for (int i = 0; i < lanes; i++) lane(http, ro, body, end, ok, failed, done);
        });
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d requests in %.2f s: %.0f/s, %d failed%n", ok.sum(), secs, ok.sum() / secs, failed.sum());
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private static void lane(HttpClient http, RequestOptions ro, Buffer body, long end, LongAdder ok, LongAdder failed,
                             CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        http.request(ro).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() == 202) ok.increment();
                    else failed.increment();
                    lane(http, ro, body, end, ok, failed, done);
                });
    }
}

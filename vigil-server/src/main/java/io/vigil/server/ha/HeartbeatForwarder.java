package io.vigil.server.ha;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vigil.http.Json;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How a STANDBY takes heartbeats: it passes each VES request, unchanged, to the ACTIVE instance and answers the
 * client with the active's answer. So a 202 from any instance means the active's engine took the heartbeat, and
 * a heartbeat is never answered 202 by an instance that does not detect. When no active can be reached (during a
 * takeover) the answer is 503 with {@code Retry-After: 1}: VES senders retry, nothing acknowledged is lost.
 *
 * <p>A forwarded request carries {@value #FORWARDED_HEADER}; an instance that receives one while it is not active
 * answers 503 instead of forwarding again, so two instances that disagree for a moment cannot loop a request.
 *
 * <p>Cost: one extra HTTP exchange on loopback or the LAN per request; measured in {@code docs/benchmarks-ha.md}.
 * Use {@code eventBatch} through a standby, or point senders at the active, when that matters. Thread-safe; runs on
 * the Vert.x event loop and never blocks.
 */
public final class HeartbeatForwarder implements AutoCloseable {
    public static final String FORWARDED_HEADER = "X-Vigil-Forwarded-By";
    private static final long TIMEOUT_MILLIS = 2_000;

    private final HttpClientAgent client;
    private final String instanceId;
    private final Supplier<Optional<String>> activeUrl;
    private final Counter forwarded;
    private final Counter unavailable;

    public HeartbeatForwarder(Vertx vertx, String instanceId, Supplier<Optional<String>> activeUrl, Counter forwarded,
                              Counter unavailable) {
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000),
                new PoolOptions().setHttp1MaxSize(64));
        this.instanceId = instanceId;
        this.activeUrl = activeUrl;
        this.forwarded = forwarded;
        this.unavailable = unavailable;
    }

    /** Answers {@code req} (whose body was read into {@code body}) with the active instance's answer. */
    public void forward(HttpServerRequest req, Buffer body) {
        if (req.getHeader(FORWARDED_HEADER) != null) {
            unavailable("this instance is not active either (request forwarded by " + req.getHeader(FORWARDED_HEADER)
                    + "); an HA takeover is in progress, retry", req);
            return;
        }
        Optional<String> target = activeUrl.get();
        if (target.isEmpty()) {
            unavailable("no active instance is known (an HA takeover is in progress); retry", req);
            return;
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target.get() + req.uri())
                .setIdleTimeout(TIMEOUT_MILLIS);
        o.putHeader(FORWARDED_HEADER, instanceId);
        String type = req.getHeader("Content-Type");
        o.putHeader("Content-Type", type == null ? "application/json" : type);
        String auth = req.getHeader("Authorization");
        if (auth != null) o.putHeader("Authorization", auth);
        Future<Void> exchange = client.request(o)
                .compose(r -> r.send(body))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() == 202) forwarded.increment();
                    var out = req.response().setStatusCode(resp.statusCode());
                    String ct = resp.getHeader("Content-Type");
                    if (ct != null) out.putHeader("Content-Type", ct);
                    String retry = resp.getHeader("Retry-After");
                    if (retry != null) out.putHeader("Retry-After", retry);
                    if (!out.ended()) out.end(b);
                    return null;
                }));
        exchange.timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).onFailure(e ->
                unavailable("the active instance at " + target.get() + " did not answer (" + e.getMessage()
                        + "); an HA takeover may be in progress, retry", req));
    }

    private void unavailable(String message, HttpServerRequest req) {
        unavailable.increment();
        var r = req.response();
        if (r.ended()) return;
        r.setStatusCode(503).putHeader("Retry-After", "1").putHeader("Content-Type", "application/json")
                .end(Json.write(Json.error("not_active", message)));
    }

    @Override
    public void close() {
        client.close();
    }
}

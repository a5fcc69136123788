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
import io.vigil.ingest.IngestLimits;
import io.vigil.liveness.StandbyHeartbeats;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * How a STANDBY takes heartbeats: it notes each one's source and arrival ({@link StandbyHeartbeats#keep}), passes
 * the VES request, unchanged, to the ACTIVE instance and answers the client with the active's answer.
 *
 * <p><b>No gap at a takeover.</b> When the active cannot be reached (no active known, no answer within 2 s: a frozen
 * or dying active, a takeover in progress) or answers 503, a request holding at least one usable heartbeat is
 * answered 202 and kept ({@link StandbyHeartbeats#undelivered}): it is replayed to the active, in order, as soon as
 * one answers (after the next successful forward, or by a 1 s timer), or merged into this instance's engine if it
 * takes over. A heartbeat answered 202 is never silently dropped. A body with no usable heartbeat gets 503 with
 * {@code Retry-After: 1} (the active would have rejected it).
 *
 * <p>A forwarded request carries {@value #FORWARDED_HEADER}; an instance that receives one while it is not active
 * keeps it as above instead of forwarding again, so two instances that disagree for a moment cannot loop a request.
 *
 * <p>Cost: one extra HTTP exchange on loopback or the LAN per request; measured in {@code docs/benchmarks-ha.md}.
 * Use {@code eventBatch} through a standby, or point senders at the active, when that matters. Thread-safe; runs on
 * the Vert.x event loop and never blocks.
 */
public final class HeartbeatForwarder implements AutoCloseable {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HeartbeatForwarder.class);
    public static final String FORWARDED_HEADER = "X-Vigil-Forwarded-By";
    private static final long TIMEOUT_MILLIS = 2_000;
    /**
     * Requests waiting for one of the 64 connections to the active. Past it a request fails at once and its
     * heartbeats are kept like those of any unanswered request (202, replayed later; that queue is bounded too).
     */
    static final int MAX_WAITING_REQUESTS = 4_096;

    private final HttpClientAgent client;
    private final String instanceId;
    private final Supplier<Optional<String>> activeUrl;
    private final Counter forwarded;
    private final Counter unavailable;
    private final Counter keptCounter;
    private final StandbyHeartbeats kept;
    private final Supplier<IngestLimits> limits;
    private final Clock clock;
    private final Vertx vertx;
    private final long replayTimer;
    private final AtomicBoolean replaying = new AtomicBoolean();
    private long tlsTimer = -1;
    private volatile java.util.List<Object> tlsSeen;

    /**
     * @param kept         where heartbeats are kept (the liveness service's, merged at activation)
     * @param keptCounter  counts requests answered 202 without reaching the active
     */
    public HeartbeatForwarder(Vertx vertx, HttpClientOptions options, String instanceId, Supplier<Optional<String>> activeUrl,
                              Counter forwarded, Counter unavailable, Counter keptCounter, StandbyHeartbeats kept,
                              Supplier<IngestLimits> limits, Clock clock) {
        this.client = vertx.createHttpClient(options,
                new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(MAX_WAITING_REQUESTS));
        this.instanceId = instanceId;
        this.activeUrl = activeUrl;
        this.forwarded = forwarded;
        this.unavailable = unavailable;
        this.keptCounter = keptCounter;
        this.kept = kept;
        this.limits = limits;
        this.clock = clock;
        this.vertx = vertx;
        this.replayTimer = vertx.setPeriodic(1000, id -> activeUrl.get().ifPresent(this::replay));
    }

    /**
     * The client's options: keep-alive, no Nagle, 2 s connect timeout. For an {@code https://} active it trusts
     * {@code caFile} ({@code ha.tls.caFile}, PEM) when set, else the JDK's CAs, and verifies the host name. When this
     * instance's own port requires client certificates ({@code http.tls.clientCaFile}), so does the active's (the
     * instances share one configuration): the forwarder then presents this instance's {@code http.tls} certificate.
     */
    public static HttpClientOptions clientOptions(java.nio.file.Path caFile, io.vigil.config.HttpTls ownTls) {
        HttpClientOptions o = new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setConnectTimeout(2_000)
                .setVerifyHost(true);
        if (caFile != null) o.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(caFile.toString()));
        if (ownTls != null && ownTls.clientCaFile() != null) {
            o.setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(ownTls.certFile().toString())
                    .setKeyPath(ownTls.keyFile().toString()));
        }
        return o;
    }

    /**
     * Re-reads the client's TLS files (the CA file, and this instance's certificate when it is presented) when they
     * change, checked every 2 s, so that a renewed certificate is used without a restart. Nothing when neither is set.
     */
    public void watchTls(java.nio.file.Path caFile, io.vigil.config.HttpTls ownTls) {
        java.util.List<java.nio.file.Path> files = new java.util.ArrayList<>();
        if (caFile != null) files.add(caFile);
        boolean present = ownTls != null && ownTls.clientCaFile() != null;
        if (present) {
            files.add(ownTls.certFile());
            files.add(ownTls.keyFile());
        }
        if (files.isEmpty()) return;
        tlsSeen = fingerprint(files);
        tlsTimer = vertx.setPeriodic(2000, id -> vertx.executeBlocking(() -> {
            java.util.List<Object> now = fingerprint(files);
            if (now.equals(tlsSeen)) return null;
            tlsSeen = now;
            var ssl = new io.vertx.core.net.ClientSSLOptions().setHostnameVerificationAlgorithm("HTTPS");
            if (caFile != null) ssl.setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(caFile.toString()));
            if (present) {
                ssl.setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertPath(ownTls.certFile().toString())
                        .setKeyPath(ownTls.keyFile().toString()));
            }
            client.updateSSLOptions(ssl).onSuccess(v -> log.info("HA forwarding: TLS files reloaded ({})", files))
                    .onFailure(e -> log.error("HA forwarding: TLS files {} could not be loaded ({}); the forwarder keeps "
                            + "the previous ones. Fix the PEM files; they are tried again on the next change", files, e.getMessage()));
            return null;
        }, false));
    }

    private static java.util.List<Object> fingerprint(java.util.List<java.nio.file.Path> files) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (java.nio.file.Path p : files) {
            try {
                out.add(java.nio.file.Files.getLastModifiedTime(p).toMillis());
                out.add(java.nio.file.Files.size(p));
            } catch (Exception e) {
                out.add(e.getClass().getSimpleName()); // being replaced: compared again next time
            }
        }
        return out;
    }

    /** Answers {@code req} (whose body was read into {@code body}) with the active instance's answer. */
    public void forward(HttpServerRequest req, Buffer body) {
        byte[] bytes = body.getBytes();
        boolean usable = kept.keep(bytes, limits.get(), clock.millis());
        if (req.getHeader(FORWARDED_HEADER) != null) {
            keepOrRefuse(req, bytes, usable, "this instance is not active either (request forwarded by "
                    + req.getHeader(FORWARDED_HEADER) + "); an HA takeover is in progress, retry");
            return;
        }
        Optional<String> target = activeUrl.get();
        if (target.isEmpty()) {
            keepOrRefuse(req, bytes, usable, "no active instance is known (an HA takeover is in progress); retry");
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
                    if (resp.statusCode() == 503) {
                        keepOrRefuse(req, bytes, usable, "the active instance answered 503; retry");
                        return null;
                    }
                    if (resp.statusCode() == 202) {
                        forwarded.increment();
                        replay(target.get());
                    }
                    var out = req.response().setStatusCode(resp.statusCode());
                    String ct = resp.getHeader("Content-Type");
                    if (ct != null) out.putHeader("Content-Type", ct);
                    String retry = resp.getHeader("Retry-After");
                    if (retry != null) out.putHeader("Retry-After", retry);
                    if (!out.ended()) out.end(b);
                    return null;
                }));
        exchange.timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).onFailure(e ->
                keepOrRefuse(req, bytes, usable, "the active instance at " + target.get() + " did not answer (" + e.getMessage()
                        + "); an HA takeover may be in progress, retry"));
    }

    /** 202 and kept for replay when the body holds a usable heartbeat; else 503 (the sender retries). */
    private void keepOrRefuse(HttpServerRequest req, byte[] body, boolean usable, String why) {
        if (req.response().ended()) return;
        if (!usable) {
            unavailable(why, req);
            return;
        }
        kept.undelivered(body);
        keptCounter.increment();
        req.response().setStatusCode(202).end();
    }

    /** Sends the kept bodies to {@code target}, oldest first, one at a time; stops at the first failure. */
    private void replay(String target) {
        if (kept.undeliveredCount() == 0 || !replaying.compareAndSet(false, true)) return;
        replayNext(target);
    }

    private void replayNext(String target) {
        byte[] body = kept.nextUndelivered();
        if (body == null) {
            replaying.set(false);
            return;
        }
        RequestOptions o = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(target + "/eventListener/v7")
                .setIdleTimeout(TIMEOUT_MILLIS);
        o.putHeader(FORWARDED_HEADER, instanceId);
        o.putHeader("Content-Type", "application/json");
        client.request(o).compose(r -> r.send(Buffer.buffer(body))).compose(resp -> resp.body().map(b -> resp.statusCode()))
                .timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() != 503) {
                        replayNext(target); // 202, or a 4xx the active would have answered anyway
                    } else {
                        kept.retryLater(body);
                        replaying.set(false);
                    }
                });
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
        vertx.cancelTimer(replayTimer);
        if (tlsTimer >= 0) vertx.cancelTimer(tlsTimer);
        client.close();
    }
}

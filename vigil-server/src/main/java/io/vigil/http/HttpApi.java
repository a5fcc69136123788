package io.vigil.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vigil.config.ConfigError;
import io.vigil.config.HttpConfig;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceQuery;
import io.vigil.http.auth.AccessGate;
import io.vigil.http.auth.AccessPolicy;
import io.vigil.http.auth.Decision;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.monitor.Monitor;
import io.vigil.server.VigilServer;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's HTTP face, on Vert.x: the VES event listener (ingest), the REST API, health and metrics.
 * One server instance per event loop shares the port, so ingest uses every core. Handlers never block an event loop:
 * store queries run on Vert.x worker threads.
 *
 * <p>Every error answer is JSON: {@code {"error": "...", "code": "..."}} (see {@link Json#error}).
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    private static final int MAX_LIST = 100_000;

    private final Vertx vertx;
    private final VigilServer server;
    private final HttpConfig cfg;
    private final List<HttpServer> servers = new ArrayList<>();
    private final AccessGate gate;
    private final Counter accepted, unknown, notOwner, sourceLimit, malformed, missingField, tooLarge, unauthorized;
    private int port;
    private ServerCertificates certificates;
    private final ConnectionGuard guard;

    private HttpApi(Vertx vertx, VigilServer server, HttpConfig cfg) {
        this.vertx = vertx;
        this.server = server;
        this.cfg = cfg;
        this.gate = new AccessGate(AccessPolicy.of(cfg.auth(), cfg.access()));
        this.guard = new ConnectionGuard(vertx, cfg.connections());
        var m = server.metrics();
        accepted = m.ingested(Channel.HTTP, "accepted");
        unknown = m.ingested(Channel.HTTP, "unknown_event_name");
        notOwner = m.ingested(Channel.HTTP, "not_owner");
        sourceLimit = m.ingested(Channel.HTTP, "source_limit");
        malformed = m.rejected(Channel.HTTP, "malformed");
        missingField = m.rejected(Channel.HTTP, "missing_field");
        tooLarge = m.rejected(Channel.HTTP, "too_large");
        unauthorized = m.rejected(Channel.HTTP, "unauthorized");
    }

    /** Binds {@code cfg.host():cfg.port()} (port 0 = any free port) with one server per event loop. */
    public static HttpApi start(Vertx vertx, VigilServer server, HttpConfig cfg) throws Exception {
        HttpApi api = new HttpApi(vertx, server, cfg);
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        // the instances share one port; Vert.x shares a listening socket only between equal ports, so pick port 0's now
        int port = cfg.port() == 0 ? freePort(cfg.host()) : cfg.port();
        HttpServerOptions opts = ServerCertificates.configure(new HttpServerOptions().setHost(cfg.host()).setPort(port)
                .setTcpNoDelay(true).setCompressionSupported(false)
                // HTTP/1.1 only: with cleartext HTTP/2 on, Vert.x waits for a client's first bytes to pick the protocol
                // before the connection exists for the connection guard, so a silent client would never be counted
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, cfg.connections().idleTimeout().toMillis()))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS), cfg.tls());
        api.guard.bindMetrics(server.registry());
        HttpServer first = vertx.createHttpServer(opts).connectionHandler(api.guard::opened).requestHandler(api::handle);
        try {
            first.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + cfg.host() + ":" + cfg.port()
                    + " (" + e.getMessage() + "); is another process using the port? Choose another with --port or http.port", e);
        }
        api.servers.add(first);
        api.port = first.actualPort();
        // further instances on the same port: Vert.x balances connections across their event loops
        for (int i = 1; i < instances; i++) {
            HttpServer s = vertx.createHttpServer(opts).connectionHandler(api.guard::opened).requestHandler(api::handle);
            s.listen().await(10, TimeUnit.SECONDS);
            api.servers.add(s);
        }
        api.certificates = ServerCertificates.watch(vertx, cfg.tls(), api.servers);
        return api;
    }

    public int port() {
        return port;
    }

    /**
     * Re-reads the TLS certificate files (SIGHUP); they are also re-read when they change.
     *
     * @return false when there is no TLS or the new files could not be loaded (the old certificate stays)
     */
    public boolean reloadCertificates() {
        return certificates != null && certificates.reload();
    }

    private static int freePort(String host) throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
    }

    // ------------------------------------------------------------------ routing

    /** The access rules of {@code http.auth} (a reload that changes only the tokens applies them here). */
    public AccessGate gate() {
        return gate;
    }

    private void handle(HttpServerRequest req) {
        if (!guard.admit(req)) return;
        String path = req.path();
        HttpMethod method = req.method();
        try {
            if (gate.admit(req) instanceof Decision.Deny deny) {
                server.metrics().httpDenied(deny.status()).increment();
                if (path.startsWith("/eventListener/")) unauthorized.increment();
                return;
            }
            if (path.startsWith("/eventListener/")) {
                if (!isVesPath(path)) {
                    notFound(req);
                } else if (method != HttpMethod.POST) {
                    methodNotAllowed(req, "POST");
                } else {
                    ingest(req);
                }
                return;
            }
            switch (path) {
                case "/healthz" -> json(req, 200, Json.object().put("status", "UP"));
                case "/readyz" -> {
                    boolean ready = server.isReady();
                    json(req, ready ? 200 : 503, Json.object().put("status", ready ? "READY" : "NOT_READY")
                            .put("storeHealthy", server.liveness().isStoreHealthy()).put("active", server.lease().isHolding())
                            .put("role", server.lease().isHolding() ? "ACTIVE" : "STANDBY"));
                }
                case "/metrics" -> blocking(req, () -> server.metrics().scrape(), body ->
                        req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(body));
                case "/api/v1" -> json(req, 200, index());
                case "/api/v1/status" -> blocking(req, this::status, body -> json(req, 200, body));
                case "/api/v1/monitors" -> blocking(req, this::monitors, body -> json(req, 200, body));
                case "/api/v1/sources" -> sources(req);
                case "/api/v1/events" -> events(req);
                case "/api/v1/dead-letters" -> deadLetters(req);
                case "/api/v1/config/reload" -> {
                    if (method != HttpMethod.POST) methodNotAllowed(req, "POST");
                    else reload(req);
                }
                default -> {
                    for (ApiExtension x : server.apiExtensions()) {
                        if (x.handle(req)) return;
                    }
                    notFound(req);
                }
            }
        } catch (RuntimeException e) {
            json(req, 500, HiddenErrors.report("internal", "HTTP " + method + " " + path + " failed with an internal error", e));
        }
    }

    private static boolean isVesPath(String path) {
        return switch (path) {
            case "/eventListener/v7", "/eventListener/v7/eventBatch", "/eventListener/v5", "/eventListener/v5/eventBatch",
                 "/eventListener/v4", "/eventListener/v4/eventBatch" -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ VES ingest (hot path)

    private void ingest(HttpServerRequest req) {
        long max = cfg.maxBodyBytes();
        String len = req.getHeader("Content-Length");
        if (len != null) {
            try {
                if (Long.parseLong(len) > max) {
                    tooLarge(req, max);
                    return;
                }
            } catch (NumberFormatException e) {
                json(req, 400, Json.error("bad_request", "Content-Length is not a number"));
                return;
            }
        }
        Buffer body = Buffer.buffer(len == null ? 1024 : (int) Math.min(Long.parseLong(len), max));
        boolean[] over = {false};
        req.handler(chunk -> {
            if (over[0]) return;
            if (body.length() + chunk.length() > max) {
                over[0] = true; // answered now, not after reading a chunked body of any size to its end
                tooLarge(req, max);
            } else {
                body.appendBuffer(chunk);
            }
        });
        req.endHandler(v -> {
            if (over[0]) return;
            if (server.forwarder() != null && !server.liveness().isActive()) server.forwarder().forward(req, body);
            else ingestBody(req, body.getBytes());
        });
    }

    /** 413, and the connection closed once the answer is out: the rest of the body is never read. */
    private void tooLarge(HttpServerRequest req, long max) {
        tooLarge.increment();
        HttpServerResponse r = req.response();
        if (r.ended()) return;
        r.putHeader("Connection", "close");
        r.setStatusCode(413).putHeader("Content-Type", "application/json")
                .end(Json.write(Json.error("too_large", "body larger than http.maxBodyBytes (" + max + " bytes); split the eventList")))
                .onComplete(x -> req.connection().close());
    }

    private void ingestBody(HttpServerRequest req, byte[] bytes) {
        VesBatch batch;
        try {
            batch = VesParser.parse(bytes, server.liveness().limits());
        } catch (VesFormatException e) {
            malformed.increment();
            json(req, 400, Json.error("invalid_ves", e.getMessage()));
            return;
        }
        if (server.router() != null && !batch.heartbeats().isEmpty()) {
            routeToKafka(req, batch, bytes);
            return;
        }
        int ok = 0, unknownNames = 0, refused = 0;
        var receiver = server.liveness();
        for (Heartbeat hb : batch.heartbeats()) {
            Acceptance a = receiver.accept(hb, Channel.HTTP);
            switch (a) {
                case ACCEPTED -> ok++;
                case UNKNOWN_EVENT_NAME -> unknownNames++;
                case NOT_OWNER -> notOwner.increment();
                case SOURCE_LIMIT -> refused++;
            }
        }
        if (ok > 0) accepted.increment(ok);
        if (unknownNames > 0) unknown.increment(unknownNames);
        if (refused > 0) sourceLimit.increment(refused);
        answer(req, batch, refused);
    }

    private void answerAccepted(HttpServerRequest req, VesBatch batch) {
        answer(req, batch, 0);
    }

    /**
     * 202; or 400 naming the events of the batch that were rejected (the others were taken); or 429 when the only
     * problem is that new sources were refused by {@code limits.maxSources} / {@code limits.newSourcesPerSecond}.
     */
    private void answer(HttpServerRequest req, VesBatch batch, int refusedNewSources) {
        if (batch.rejected().isEmpty() && refusedNewSources == 0) {
            req.response().setStatusCode(202).end();
            return;
        }
        String limitsNote = refusedNewSources + " heartbeats of new sources refused: more than limits.maxSources sources, "
                + "or more than limits.newSourcesPerSecond new ones per second; known sources are taken";
        if (batch.rejected().isEmpty()) {
            ObjectNode err = Json.error("source_limit", limitsNote);
            err.put("accepted", batch.heartbeats().size() - refusedNewSources);
            err.put("refusedNewSources", refusedNewSources);
            req.response().putHeader("Retry-After", "1");
            json(req, 429, err);
            return;
        }
        missingField.increment(batch.rejected().size());
        ObjectNode err = Json.error("invalid_events", batch.rejected().size() + " of " + batch.size()
                + " events rejected; the others were accepted" + (refusedNewSources > 0 ? "; " + limitsNote : ""));
        err.put("accepted", batch.heartbeats().size() - refusedNewSources);
        if (refusedNewSources > 0) err.put("refusedNewSources", refusedNewSources);
        ArrayNode rej = err.putArray("rejected");
        for (VesBatch.Rejected r : batch.rejected()) rej.addObject().put("index", r.index()).put("reason", r.reason());
        json(req, 400, err);
    }

    /**
     * ha.mode kafka-partitions: the body goes into the heartbeat topic keyed by its first sourceName, so that the
     * owner of that source's partition detects it; answered once the broker acknowledged it.
     */
    private void routeToKafka(HttpServerRequest req, VesBatch batch, byte[] bytes) {
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        server.router().route(batch.heartbeats().getFirst().sourceName(), bytes).whenComplete((v, error) -> ctx.runOnContext(x -> {
            if (error == null) {
                server.metrics().ingested(Channel.HTTP, "routed_to_kafka").increment(batch.heartbeats().size());
                answerAccepted(req, batch);
            } else {
                req.response().putHeader("Retry-After", "1");
                json(req, 503, Json.error("kafka_unavailable", "the heartbeat could not be written to Kafka topic "
                        + server.router().topic() + " (" + error.getMessage() + "); retry"));
            }
        }));
    }

    // ------------------------------------------------------------------ REST

    private ObjectNode index() {
        ObjectNode n = Json.object().put("service", "vigil").put("version", VigilServer.version());
        ArrayNode links = n.putArray("endpoints");
        for (String p : List.of("POST /eventListener/v7", "POST /eventListener/v7/eventBatch", "GET /api/v1/status",
                "GET /api/v1/monitors", "GET /api/v1/dead-letters?limit=", "GET /api/v1/sources?eventName=&state=&flapping=&channel=&q=&sort=&offset=&limit=",
                "GET /api/v1/sources/{eventName}/{sourceName}", "GET /api/v1/events?since=&eventName=&sourceName=&limit=",
                "GET /api/v1/events/stream", "GET /api/v1/openapi.json", "GET / (dashboard)",
                "POST /api/v1/config/reload", "GET /healthz", "GET /readyz", "GET /metrics")) {
            links.add(p);
        }
        return n;
    }

    private ObjectNode status() {
        ObjectNode n = Json.object();
        n.put("state", server.state().name());
        haStatus(n);
        n.put("version", VigilServer.version());
        n.put("startedAt", Instant.ofEpochMilli(server.startedAtMillis()).toString());
        n.put("configSource", server.config().source().name());
        Map<LivenessState, Long> counts = server.liveness().engine().counts();
        ObjectNode c = n.putObject("counts");
        c.put("monitors", server.config().monitors().size());
        long total = 0;
        for (var e : counts.entrySet()) {
            c.put(e.getKey().name().toLowerCase(), e.getValue());
            total += e.getValue();
        }
        c.put("sources", total);
        c.put("heartbeatsAccepted", server.liveness().engine().acceptedCount());
        c.put("unknownEventName", server.liveness().engine().unknownEventNameCount());
        c.put("pendingEvents", server.liveness().pendingEvents());
        ObjectNode ingest = n.putObject("ingest");
        IngestStatus.write(ingest, server.liveness());
        if (server.poller() != null) ingest.put("dmaap", server.poller().pollUrl());
        ArrayNode sinks = n.putArray("sinks");
        for (OutboxRelay r : server.relays()) {
            sinks.addObject().put("name", r.sinkName()).put("delivered", r.delivered())
                    .put("lag", r.lagRecords()).put("failedAttempts", r.failedAttempts());
        }
        n.put("storeHealthy", server.liveness().isStoreHealthy());
        ObjectNode dead = n.putObject("deadLetters");
        long deadTotal = 0;
        for (var e : server.database().deadLetters().counts().entrySet()) {
            dead.put(e.getKey().label(), e.getValue());
            deadTotal += e.getValue();
        }
        dead.put("total", deadTotal);
        return n;
    }

    /**
     * role (ACTIVE only while this instance may emit), epoch (this instance's while it holds the lease, else the
     * lease's), activeId, leaseExpiresAt (database clock), and an {@code ha} object with the details.
     */
    private void haStatus(ObjectNode n) {
        var lease = server.lease();
        java.util.Optional<io.vigil.store.lease.Lease> row;
        try {
            row = lease.current();
        } catch (RuntimeException e) {
            row = lease.lastKnown(); // the store is down: show what was seen last
        }
        boolean holding = lease.isHolding();
        n.put("role", holding ? "ACTIVE" : "STANDBY");
        n.put("instanceId", lease.owner());
        long epoch = holding ? lease.epoch() : row.map(io.vigil.store.lease.Lease::epoch).orElse(lease.epoch());
        n.put("epoch", epoch);
        n.put("activeId", row.map(io.vigil.store.lease.Lease::owner).orElse(null));
        n.put("leaseExpiresAt", row.map(l -> l.expiresAt().toString()).orElse(null));
        ObjectNode ha = n.putObject("ha");
        ha.put("enabled", server.config().ha().enabled());
        ha.put("phase", lease.phase().name());
        ha.put("ownEpoch", lease.epoch());
        ha.put("leaseTtlMillis", lease.ttl().toMillis());
        ha.put("detecting", server.liveness().isActive());
        ha.put("mode", server.config().ha().mode().text());
        var parts = server.partitions();
        if (parts != null) {
            ObjectNode p = ha.putObject("partitions");
            p.put("topic", parts.topic());
            p.put("partitionCount", parts.partitionCount());
            ArrayNode assigned = p.putArray("assigned");
            parts.assignedPartitions().forEach(assigned::add);
            ObjectNode owned = p.putObject("owned");
            parts.ownedEpochs().forEach((k, e) -> owned.put(Integer.toString(k), e));
            p.put("rebalances", parts.rebalances());
            p.put("lastRebalanceAt", parts.lastRebalance() == null ? null : parts.lastRebalance().toString());
            try {
                ArrayNode owners = p.putArray("owners");
                for (var o : parts.owners()) {
                    owners.addObject().put("partition", o.partition()).put("owner", o.owner()).put("epoch", o.epoch())
                            .put("assignedAt", o.assignedAt().toString());
                }
            } catch (RuntimeException e) {
                p.put("ownersError", HiddenErrors.note("the store cannot be read", e));
            }
        }
        var peers = server.peers();
        if (peers != null) {
            ha.put("url", peers.url());
            ha.put("activeUrl", peers.activeUrl().orElse(null));
            ArrayNode list = ha.putArray("instances");
            try {
                for (var i : peers.all()) {
                    list.addObject().put("instanceId", i.instanceId()).put("url", i.url())
                            .put("startedAt", i.startedAt().toString()).put("seenAt", i.seenAt().toString());
                }
            } catch (RuntimeException e) {
                ha.put("instancesError", HiddenErrors.note("the store cannot be read", e));
            }
        }
    }

    private ObjectNode monitors() {
        ObjectNode n = Json.object();
        ArrayNode arr = n.putArray("monitors");
        Map<String, Map<LivenessState, Long>> counts = server.liveness().engine().countsByMonitor();
        for (Monitor m : server.config().monitors()) {
            ObjectNode o = monitorJson(m);
            ObjectNode c = o.putObject("sources");
            long total = 0;
            for (LivenessState st : LivenessState.values()) {
                long k = counts.getOrDefault(m.eventName(), Map.of()).getOrDefault(st, 0L);
                c.put(st.name().toLowerCase(), k);
                total += k;
            }
            c.put("total", total);
            o.put("sourceCount", total); // ONAP's source count per eventName (vnf_table_1)
            arr.add(o);
        }
        return n;
    }

    static ObjectNode monitorJson(Monitor m) {
        ObjectNode o = Json.object();
        o.put("eventName", m.eventName());
        o.put("heartbeatInterval", formatDuration(m.heartbeatInterval().toMillis()));
        o.put("heartbeatIntervalMillis", m.heartbeatInterval().toMillis());
        o.put("missedHeartbeats", m.missedHeartbeats());
        o.put("thresholdMillis", m.thresholdMillis());
        o.put("timeBase", m.timeBase().name().toLowerCase());
        ObjectNode cl = o.putObject("closedLoop");
        cl.put("controlName", m.closedLoop().controlName());
        cl.put("policyName", m.closedLoop().policyName());
        cl.put("policyVersion", m.closedLoop().policyVersion());
        cl.put("policyScope", m.closedLoop().policyScope());
        cl.put("targetType", m.closedLoop().targetType().name());
        cl.put("target", m.closedLoop().target());
        cl.put("version", m.closedLoop().version());
        return o;
    }

    private static String formatDuration(long ms) {
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    private void sources(HttpServerRequest req) {
        SourceQuery query;
        try {
            query = SourcesQuery.parse(req::getParam);
        } catch (IllegalArgumentException e) {
            json(req, 400, Json.error("bad_parameter", e.getMessage()));
            return;
        }
        blocking(req, () -> SourcesQuery.pageJson(query, server.liveness().engine().query(query)), body -> json(req, 200, body));
    }

    private void events(HttpServerRequest req) {
        long since;
        int limit;
        try {
            since = sinceParam(req.getParam("since"));
            limit = intParam(req, "limit", 1000);
        } catch (IllegalArgumentException e) {
            json(req, 400, Json.error("bad_parameter", e.getMessage()));
            return;
        }
        String eventName = emptyToNull(req.getParam("eventName"));
        String sourceName = emptyToNull(req.getParam("sourceName"));
        blocking(req, () -> {
            List<OutboxRecord> recs = server.outbox().recent(since, limit, eventName, sourceName);
            ObjectNode n = Json.object();
            n.put("count", recs.size());
            ArrayNode arr = n.putArray("events");
            for (OutboxRecord r : recs) {
                ObjectNode o = arr.addObject();
                o.put("seq", r.seq());
                o.put("eventId", r.eventId());
                o.put("kind", r.kind());
                o.put("eventName", r.eventName());
                o.put("sourceName", r.sourceName());
                o.put("time", Instant.ofEpochMilli(r.createdAtMillis()).toString());
                o.put("timeMillis", r.createdAtMillis());
                try {
                    o.set("payload", Json.MAPPER.readTree(r.payload()));
                } catch (Exception e) {
                    o.put("payload", r.payload());
                }
            }
            return n;
        }, body -> json(req, 200, body));
    }

    /** The newest rows of the dead-letter table, newest first ({@code ?limit=}, default 100). */
    private void deadLetters(HttpServerRequest req) {
        int limit;
        try {
            limit = intParam(req, "limit", 100);
        } catch (IllegalArgumentException e) {
            json(req, 400, Json.error("bad_parameter", e.getMessage()));
            return;
        }
        blocking(req, () -> {
            ObjectNode n = Json.object();
            ArrayNode arr = n.putArray("deadLetters");
            for (var d : server.database().deadLetters().recent(limit)) {
                arr.addObject().put("seq", d.seq()).put("kind", d.kind()).put("key", d.key()).put("error", d.error())
                        .put("time", Instant.ofEpochMilli(d.createdAtMillis()).toString()).put("payload", d.payload());
            }
            n.put("count", arr.size());
            return n;
        }, body -> json(req, 200, body));
    }

    /** {@code since}: epoch milliseconds, an ISO-8601 instant, or a duration ago ({@code 5m}); default: 1 hour ago. */
    static long sinceParam(String s) {
        long now = System.currentTimeMillis();
        if (s == null || s.isBlank()) return now - 3_600_000;
        s = s.trim();
        if (s.chars().allMatch(Character::isDigit)) return Long.parseLong(s);
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // not an instant: try a duration
        }
        try {
            return now - io.vigil.config.DurationSyntax.parse(s).toMillis();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("since: expected epoch milliseconds, an ISO-8601 time (2026-01-01T00:00:00Z) or a duration ago (5m), got \"" + s + "\"");
        }
    }

    private void reload(HttpServerRequest req) {
        blocking(req, () -> server.reload(), r -> {
            ObjectNode n = Json.object();
            n.put("state", server.state().name());
            if (r.applied()) {
                server.metrics().reloads("applied").increment();
                n.put("applied", true);
                ObjectNode ch = n.putObject("changes");
                ArrayNode added = ch.putArray("added");
                r.diff().added().forEach(m -> added.add(m.eventName()));
                ArrayNode removed = ch.putArray("removed");
                r.diff().removed().forEach(removed::add);
                ArrayNode changed = ch.putArray("changed");
                r.diff().changed().forEach(m -> changed.add(m.eventName()));
                ArrayNode restart = ch.putArray("restartNeeded");
                r.diff().restartNeeded().forEach(restart::add);
                json(req, 200, n);
            } else if (r.errors() != null) {
                server.metrics().reloads("rejected").increment();
                ObjectNode err = Json.error("invalid_config", "the new configuration is invalid; the running one stays");
                ArrayNode errors = err.putArray("errors");
                for (ConfigError e : r.errors().errors()) errors.addObject().put("path", e.path()).put("reason", e.reason());
                json(req, 422, err);
            } else {
                server.metrics().reloads("failed").increment();
                json(req, r.problem() != null && r.problem().startsWith("nothing to reload") ? 409 : 502,
                        Json.error("reload_failed", r.problem() + "; the running configuration stays"));
            }
        });
    }

    // ------------------------------------------------------------------ plumbing

    private <T> void blocking(HttpServerRequest req, Callable<T> work, java.util.function.Consumer<T> answer) {
        Future<T> f = vertx.executeBlocking(work, false);
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ar.result());
            } else {
                json(req, 503, HiddenErrors.report("unavailable", "HTTP " + req.method() + " " + req.path()
                        + " could not be answered: the store failed", ar.cause()));
            }
        });
    }

    private static int intParam(HttpServerRequest req, String name, int dflt) {
        return intParam(req.getParam(name), name, dflt);
    }

    static int intParam(String v, String name, int dflt) {
        if (v == null || v.isBlank()) return dflt;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1 || n > MAX_LIST) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be an integer from 1 to " + MAX_LIST + " (got \"" + v + "\")");
        }
    }

    static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void notFound(HttpServerRequest req) {
        json(req, 404, Json.error("not_found", "no such endpoint: " + req.method() + " " + req.path() + " (GET /api/v1 lists them)"));
    }

    private static void methodNotAllowed(HttpServerRequest req, String allowed) {
        req.response().putHeader("Allow", allowed);
        json(req, 405, Json.error("method_not_allowed", req.path() + " accepts " + allowed));
    }

    static void json(HttpServerRequest req, int status, Object body) {
        HttpServerResponse r = req.response();
        if (r.ended()) return;
        r.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }

    @Override
    public void close() {
        if (certificates != null) certificates.close();
        for (HttpServer s : servers) {
            try {
                s.close().await(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.debug("closing HTTP server", e);
            }
        }
    }
}

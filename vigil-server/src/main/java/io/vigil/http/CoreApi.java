package io.vigil.http;

import io.vertx.ext.web.RoutingContext;
import io.vigil.config.ConfigError;
import io.vigil.config.DurationSyntax;
import io.vigil.config.ReloadOutcome;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourcePage;
import io.vigil.engine.SourceQuery;
import io.vigil.metrics.VigilMetrics;
import io.vigil.monitor.Monitor;
import io.vigil.store.deadletter.DeadLetter;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The core REST API: health, readiness, metrics, status, monitors, sources, change events and reload, answered from
 * a narrow {@link Backend}. See README.md for the endpoint table.
 */
public final class CoreApi implements ApiRoutes {
    static final int MAX_LIST = 100_000;

    /** What the core API needs from the server. Methods marked "may block" run on worker threads. */
    public interface Backend {
        String version();

        /** Ready to take heartbeats (see {@code GET /readyz}). */
        boolean ready();

        boolean storeHealthy();

        /** This instance holds the lease. */
        boolean active();

        /** The Prometheus exposition text; may block. */
        String scrapeMetrics();

        /** The {@code GET /api/v1/status} document; may block. */
        StatusBody status();

        /** RUNNING or RECONFIGURATION. */
        String state();

        List<Monitor> monitors();

        /** Per monitor (eventName), how many of its sources are in each state; may block. */
        Map<String, Map<LivenessState, Long>> sourceCountsByMonitor();

        /** One page of tracked sources; may block. */
        SourcePage sources(SourceQuery query);

        /** Change events recorded since then, oldest first, of one eventName / sourceName when not null; may block. */
        List<OutboxRecord> events(long sinceMillis, int limit, String eventName, String sourceName);

        /** The newest rows of the dead-letter table, newest first; may block. */
        List<DeadLetter> deadLetters(int limit);

        /** Fetches, validates and applies the configuration again; may block. */
        ReloadOutcome reload();
    }

    private final Backend backend;
    private final VigilMetrics metrics;

    public CoreApi(Backend backend, VigilMetrics metrics) {
        this.backend = backend;
        this.metrics = metrics;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.get("/api/v1/status", ctx -> Answer.blocking(ctx, backend::status, body -> Answer.json(ctx, 200, body)))
                .get("/api/v1/monitors", ctx -> Answer.blocking(ctx, this::monitors, body -> Answer.json(ctx, 200, body)))
                .get("/api/v1/sources", "eventName=&state=&flapping=&channel=&q=&sort=&offset=&limit=", this::sources)
                .get("/api/v1/events", "since=&eventName=&sourceName=&limit=", this::events)
                .get("/api/v1/dead-letters", "limit=", this::deadLetters)
                .post("/api/v1/config/reload", this::reload)
                .get("/healthz", ctx -> Answer.json(ctx, 200, new CoreBodies.Health("UP")))
                .get("/readyz", this::ready)
                .get("/metrics", ctx -> Answer.blocking(ctx, backend::scrapeMetrics, body -> ctx.response()
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(body)));
    }

    private void ready(RoutingContext ctx) {
        boolean ready = backend.ready();
        Answer.json(ctx, ready ? 200 : 503, CoreBodies.Ready.of(ready, backend.storeHealthy(), backend.active()));
    }

    private CoreBodies.Monitors monitors() {
        Map<String, Map<LivenessState, Long>> counts = backend.sourceCountsByMonitor();
        return new CoreBodies.Monitors(backend.monitors().stream()
                .map(m -> CoreBodies.MonitorBody.of(m, counts.getOrDefault(m.eventName(), Map.of()))).toList());
    }

    private void sources(RoutingContext ctx) {
        SourceQuery query;
        try {
            query = SourcesQuery.parse(ctx.request()::getParam);
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_parameter", e.getMessage());
            return;
        }
        Answer.blocking(ctx, () -> SourcesQuery.pageJson(query, backend.sources(query)), body -> Answer.json(ctx, 200, body));
    }

    private void events(RoutingContext ctx) {
        long since;
        int limit;
        try {
            since = sinceParam(ctx.request().getParam("since"));
            limit = intParam(ctx, "limit", 1000);
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_parameter", e.getMessage());
            return;
        }
        String eventName = emptyToNull(ctx.request().getParam("eventName"));
        String sourceName = emptyToNull(ctx.request().getParam("sourceName"));
        Answer.blocking(ctx, () -> {
            List<OutboxRecord> recs = backend.events(since, limit, eventName, sourceName);
            return CoreBodies.Events.of(recs);
        }, body -> Answer.json(ctx, 200, body));
    }

    /** The newest rows of the dead-letter table, newest first ({@code ?limit=}, default 100). */
    private void deadLetters(RoutingContext ctx) {
        int limit;
        try {
            limit = intParam(ctx, "limit", 100);
        } catch (IllegalArgumentException e) {
            Answer.error(ctx, 400, "bad_parameter", e.getMessage());
            return;
        }
        Answer.blocking(ctx, () -> CoreBodies.DeadLetters.of(backend.deadLetters(limit)), body -> Answer.json(ctx, 200, body));
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
            return now - DurationSyntax.parse(s).toMillis();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("since: expected epoch milliseconds, an ISO-8601 time (2026-01-01T00:00:00Z) or a duration ago (5m), got \"" + s + "\"");
        }
    }

    /** An integer query parameter from 1 to {@value #MAX_LIST}; {@code dflt} when absent. */
    static int intParam(RoutingContext ctx, String name, int dflt) {
        return intParam(ctx.request().getParam(name), name, dflt);
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

    private void reload(RoutingContext ctx) {
        Answer.blocking(ctx, backend::reload, outcome -> {
            switch (outcome) {
                case ReloadOutcome.Applied a -> {
                    metrics.reloads("applied").increment();
                    Answer.json(ctx, 200, new CoreBodies.Reloaded(backend.state(), true, new CoreBodies.Changes(
                            a.diff().added().stream().map(Monitor::eventName).toList(), List.copyOf(a.diff().removed()),
                            a.diff().changed().stream().map(Monitor::eventName).toList(), List.copyOf(a.diff().restartNeeded()))));
                }
                case ReloadOutcome.Invalid inv -> {
                    metrics.reloads("rejected").increment();
                    Answer.json(ctx, 422, new CoreBodies.InvalidConfig("the new configuration is invalid; the running one stays",
                            "invalid_config", inv.errors().errors().stream()
                                    .map(e -> new CoreBodies.PathReason(e.path(), e.reason())).toList()));
                }
                case ReloadOutcome.NothingToReload n -> {
                    metrics.reloads("failed").increment();
                    Answer.error(ctx, 409, "reload_failed", n.reason() + "; the running configuration stays");
                }
                case ReloadOutcome.Failed f -> {
                    metrics.reloads("failed").increment();
                    Answer.error(ctx, 502, "reload_failed", f.problem() + "; the running configuration stays");
                }
            }
        });
    }
}

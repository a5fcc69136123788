package io.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.vertx.ext.web.RoutingContext;
import io.vigil.config.DetectionJson;
import io.vigil.config.DurationSyntax;
import io.vigil.dependency.Dependency;
import io.vigil.dependency.DependencyCycles;
import io.vigil.engine.DependencyHold;
import io.vigil.engine.SourceKey;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import io.vigil.store.detection.HeldEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The detection-quality endpoints (docs/detection.md):
 * <ul>
 *   <li>{@code POST /api/v1/silences} {@code {"matchers": {"eventName", "sourceName"}, "startsAt", "endsAt",
 *       "comment"}}, {@code GET /api/v1/silences[/{id}]}, {@code DELETE /api/v1/silences/{id}};</li>
 *   <li>{@code POST /api/v1/dependencies} {@code {"child": {"eventName", "sourceName"}, "parent": {"eventName",
 *       "sourceName"}}}, {@code GET /api/v1/dependencies}, {@code DELETE /api/v1/dependencies/{id}};</li>
 *   <li>{@code GET /api/v1/events/held?since=&limit=}: change events recorded but not published; {@code heldBy} names
 *       the dependency parent that held an event (read from its stored reason), else null.</li>
 * </ul>
 * Store work runs on worker threads; every error is a JSON body from {@link Json#error}; bodies are limited to
 * {@code http.maxBodyBytes} like every request body.
 */
public final class DetectionApi implements ApiRoutes {
    /** The furthest ahead a silence may start. */
    private static final Duration MAX_LEAD = Duration.ofDays(365);
    private static final long LATEST_TIME = Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();

    /** What the API needs from the server. Methods may block (they run on worker threads). */
    public interface Backend {
        long now();

        /** Config silences (origin config) and stored ones (origin api) that have not ended. */
        List<Silence> silences();

        void addSilence(Silence s);

        /** The longest one-off silence accepted (config {@code detection.maxSilenceDuration}). */
        Duration maxSilence();

        /** @return false when there is no stored silence with this id */
        boolean deleteSilence(String id);

        List<Dependency> dependencies();

        /** @throws DependencyCycles.CycleException when {@code d} would close a cycle with the rules in force */
        void addDependency(Dependency d);

        boolean deleteDependency(String id);

        List<HeldEvent> heldEvents(long sinceMillis, int limit);
    }

    private final Backend backend;

    public DetectionApi(Backend backend) {
        this.backend = backend;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.get("/api/v1/silences", ctx -> Answer.blocking(ctx, this::listSilences, b -> Answer.json(ctx, 200, b)))
                .post("/api/v1/silences", ctx -> Answer.jsonObject(ctx).ifPresent(json -> createSilence(ctx, json)))
                .get("/api/v1/silences/:id", ctx -> one(ctx, true))
                .delete("/api/v1/silences/:id", ctx -> delete(ctx, true))
                .get("/api/v1/dependencies", ctx -> Answer.blocking(ctx, this::listDependencies, b -> Answer.json(ctx, 200, b)))
                .post("/api/v1/dependencies", ctx -> Answer.jsonObject(ctx).ifPresent(json -> createDependency(ctx, json)))
                .get("/api/v1/dependencies/:id", ctx -> one(ctx, false))
                .delete("/api/v1/dependencies/:id", ctx -> delete(ctx, false))
                .get("/api/v1/events/held", "since=&limit=", this::held);
    }

    private void one(RoutingContext ctx, boolean silences) {
        String id = ctx.pathParam("id");
        Answer.blocking(ctx, () -> silences
                ? listSilences().silences().stream().filter(x -> x.id().equals(id)).findFirst().<Record>map(x -> x)
                : listDependencies().dependencies().stream().filter(x -> x.id().equals(id)).findFirst().<Record>map(x -> x), found -> {
            if (found.isPresent()) {
                Answer.json(ctx, 200, found.get());
                return;
            }
            Answer.error(ctx, 404, "not_found", "no " + (silences ? "silence" : "dependency") + " with id " + id);
        });
    }

    private void delete(RoutingContext ctx, boolean silences) {
        String id = ctx.pathParam("id");
        if (id.startsWith("config-")) {
            Answer.error(ctx, 409, "defined_in_config", id + " comes from the configuration file; remove it there and reload");
            return;
        }
        Answer.blocking(ctx, () -> silences ? backend.deleteSilence(id) : backend.deleteDependency(id), deleted -> {
            if (deleted) ctx.response().setStatusCode(204).end();
            else Answer.error(ctx, 404, "not_found", "no " + (silences ? "silence" : "dependency") + " with id " + id);
        });
    }

    // ------------------------------------------------------------------ silences

    private Silences listSilences() {
        long now = backend.now();
        List<SilenceBody> list = backend.silences().stream().map(x -> SilenceBody.of(x, now)).toList();
        return new Silences(list, list.size());
    }

    /** {@code GET /api/v1/silences}. */
    record Silences(List<SilenceBody> silences, int count) {
    }

    /**
     * One silence: its window's fields in line ({@link DetectionJson.Window}: one-off or weekly), {@code active} at the
     * time of the answer.
     */
    record SilenceBody(String id, DetectionJson.Matcher matchers, @JsonUnwrapped DetectionJson.Window window,
                       String comment, String origin, boolean active) {
        static SilenceBody of(Silence s, long now) {
            return new SilenceBody(s.id(), DetectionJson.Matcher.of(s.matcher()), DetectionJson.Window.of(s.window()),
                    s.comment(), s.origin(), s.window().activeAt(now));
        }
    }

    private void createSilence(RoutingContext ctx, JsonNode body) {
        try {
            SourceMatcher matcher = matcher(body.get("matchers"), "matchers");
            if (matcher.equals(SourceMatcher.ANY)) throw new IllegalArgumentException("matchers: " + Silence.MATCHERS_REQUIRED);
            long now = backend.now();
            long startsAt = body.hasNonNull("startsAt") ? time(body.get("startsAt"), "startsAt") : now;
            if (!body.hasNonNull("endsAt")) throw new IllegalArgumentException("endsAt: required, an ISO-8601 time like 2026-01-01T02:00:00Z");
            long endsAt = time(body.get("endsAt"), "endsAt");
            if (endsAt <= startsAt) throw new IllegalArgumentException("endsAt must be after startsAt");
            if (endsAt <= now) throw new IllegalArgumentException("endsAt is in the past: the silence would never apply");
            Duration max = backend.maxSilence();
            if (endsAt - startsAt > max.toMillis())
                throw new IllegalArgumentException("endsAt: the silence would last longer than detection.maxSilenceDuration ("
                        + DurationSyntax.format(max) + "); make it shorter and renew it if needed");
            if (startsAt - now > MAX_LEAD.toMillis())
                throw new IllegalArgumentException("startsAt: more than " + MAX_LEAD.toDays() + " days ahead; make the silence closer to its window");
            JsonNode c = body.get("comment");
            String comment = c == null || c.isNull() ? null : c.asText();
            Silence s = new Silence(UUID.randomUUID().toString(), matcher, new SilenceWindow.Once(startsAt, endsAt), comment, "api");
            Answer.blocking(ctx, () -> {
                backend.addSilence(s);
                return SilenceBody.of(s, backend.now());
            }, o -> {
                ctx.response().putHeader("Location", "/api/v1/silences/" + s.id());
                Answer.json(ctx, 201, o);
            });
        } catch (IllegalArgumentException e) {
            Answer.json(ctx, 400, Json.error("invalid_silence", e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ dependencies

    private Dependencies listDependencies() {
        List<DependencyBody> list = backend.dependencies().stream().map(DependencyBody::of).toList();
        return new Dependencies(list, list.size());
    }

    /** {@code GET /api/v1/dependencies}. */
    record Dependencies(List<DependencyBody> dependencies, int count) {
    }

    /** One dependency. */
    record DependencyBody(String id, DetectionJson.Matcher child, DetectionJson.Parent parent, String origin) {
        static DependencyBody of(Dependency d) {
            return new DependencyBody(d.id(), DetectionJson.Matcher.of(d.child()), DetectionJson.Parent.of(d.parent()), d.origin());
        }
    }

    private void createDependency(RoutingContext ctx, JsonNode body) {
        try {
            SourceMatcher child = matcher(body.get("child"), "child");
            JsonNode p = body.get("parent");
            if (p == null || !p.isObject()) throw new IllegalArgumentException("parent: required, {\"eventName\": …, \"sourceName\": …}");
            String pe = text(p, "eventName", "parent"), ps = text(p, "sourceName", "parent");
            if (pe == null || ps == null) throw new IllegalArgumentException("parent: needs both eventName and sourceName (exact names)");
            if (ps.endsWith("*") || pe.endsWith("*")) throw new IllegalArgumentException("parent: must name one source exactly; wildcards are for the child");
            Dependency d = new Dependency(UUID.randomUUID().toString(), child, new SourceKey(pe, ps), "api");
            Answer.blocking(ctx, () -> {
                try {
                    backend.addDependency(d);
                    return Optional.<String>empty();
                } catch (DependencyCycles.CycleException cycle) {
                    return Optional.of(cycle.getMessage());
                }
            }, cycle -> {
                if (cycle.isPresent()) {
                    Answer.error(ctx, 409, "dependency_cycle", cycle.get());
                    return;
                }
                ctx.response().putHeader("Location", "/api/v1/dependencies/" + d.id());
                Answer.json(ctx, 201, DependencyBody.of(d));
            });
        } catch (IllegalArgumentException e) {
            Answer.json(ctx, 400, Json.error("invalid_dependency", e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ held events

    private void held(RoutingContext ctx) {
        long since;
        int limit;
        try {
            since = CoreApi.sinceParam(ctx.request().getParam("since"));
            String l = ctx.request().getParam("limit");
            limit = l == null || l.isBlank() ? 1000 : Integer.parseInt(l.trim());
            if (limit < 1 || limit > 100_000) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            Answer.json(ctx, 400, Json.error("bad_parameter", "limit: must be an integer from 1 to 100000"));
            return;
        } catch (IllegalArgumentException e) {
            Answer.json(ctx, 400, Json.error("bad_parameter", e.getMessage()));
            return;
        }
        Answer.blocking(ctx, () -> {
            List<HeldEvent> events = backend.heldEvents(since, limit);
            return new HeldEvents(events.size(), events.stream().map(HeldBody::of).toList());
        }, b -> Answer.json(ctx, 200, b));
    }

    /** {@code GET /api/v1/events/held}. */
    record HeldEvents(int count, List<HeldBody> events) {
    }

    /** One held event: never published ({@code published} is always false), {@code heldBy} the parent that held it. */
    record HeldBody(long seq, String eventId, String kind, String eventName, String sourceName, String requestID,
                    String reason, String heldBy, String time, long timeMillis, boolean published) {
        static HeldBody of(HeldEvent h) {
            return new HeldBody(h.seq(), h.eventId(), h.kind(), h.eventName(), h.sourceName(), h.outageId(), h.reason(),
                    DependencyHold.parentIn(h.reason()), Instant.ofEpochMilli(h.createdAtMillis()).toString(),
                    h.createdAtMillis(), false);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private static SourceMatcher matcher(JsonNode n, String field) {
        if (n == null || n.isNull()) return SourceMatcher.ANY;
        if (!n.isObject()) throw new IllegalArgumentException(field + ": must be an object like {\"eventName\": \"Heartbeat_vDNS\", \"sourceName\": \"vdns-*\"}");
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("eventName") && !k.equals("sourceName"))
                throw new IllegalArgumentException(field + "." + k + ": unknown key; known keys: eventName, sourceName");
        }
        return new SourceMatcher(text(n, "eventName", field), text(n, "sourceName", field));
    }

    private static String text(JsonNode n, String key, String field) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw new IllegalArgumentException(field + "." + key + ": must be text");
        return v.asText().isBlank() ? null : v.asText();
    }

    /** An ISO-8601 instant or epoch milliseconds, from 1970 to 9999. */
    private static long time(JsonNode v, String field) {
        long t;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            t = v.asLong();
        } else {
            try {
                t = Instant.parse(v.asText().trim()).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new IllegalArgumentException(field + ": must be an ISO-8601 time like 2026-01-01T02:00:00Z or epoch milliseconds (got " + v + ")");
            }
        }
        if (t < 0 || t > LATEST_TIME) throw new IllegalArgumentException(field + ": must be between 1970 and 9999 (got " + v + ")");
        return t;
    }
}

package io.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
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
        Answer.blocking(ctx, () -> (silences ? listSilences() : listDependencies()).withArray(silences ? "silences" : "dependencies"), arr -> {
            for (JsonNode n : arr) {
                if (id.equals(n.path("id").asText())) {
                    Answer.json(ctx, 200, n);
                    return;
                }
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

    private ObjectNode listSilences() {
        long now = backend.now();
        ObjectNode n = Json.object();
        ArrayNode arr = n.putArray("silences");
        for (Silence s : backend.silences()) arr.add(silenceJson(s, now));
        n.put("count", arr.size());
        return n;
    }

    static ObjectNode silenceJson(Silence s, long now) {
        ObjectNode o = Json.object();
        o.put("id", s.id());
        DetectionJson.matcher(o.putObject("matchers"), s.matcher());
        switch (s.window()) {
            case SilenceWindow.Once w -> {
                o.put("startsAt", Instant.ofEpochMilli(w.startsAt()).toString());
                o.put("endsAt", Instant.ofEpochMilli(w.endsAt()).toString());
            }
            case SilenceWindow.Weekly w -> {
                ArrayNode days = o.putArray("days");
                for (DayOfWeek d : w.days()) days.add(d.name().substring(0, 3).toLowerCase(Locale.ROOT));
                o.put("start", w.start().toString());
                o.put("duration", DurationSyntax.format(w.duration())); // the syntax the config reads, not ISO-8601
                o.put("timeZone", w.zone().getId());
            }
        }
        o.put("comment", s.comment());
        o.put("origin", s.origin());
        o.put("active", s.window().activeAt(now));
        return o;
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
                return silenceJson(s, backend.now());
            }, o -> {
                ctx.response().putHeader("Location", "/api/v1/silences/" + s.id());
                Answer.json(ctx, 201, o);
            });
        } catch (IllegalArgumentException e) {
            Answer.json(ctx, 400, Json.error("invalid_silence", e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ dependencies

    private ObjectNode listDependencies() {
        ObjectNode n = Json.object();
        ArrayNode arr = n.putArray("dependencies");
        for (Dependency d : backend.dependencies()) arr.add(dependencyJson(d));
        n.put("count", arr.size());
        return n;
    }

    static ObjectNode dependencyJson(Dependency d) {
        ObjectNode o = Json.object();
        o.put("id", d.id());
        DetectionJson.matcher(o.putObject("child"), d.child());
        o.putObject("parent").put("eventName", d.parent().eventName()).put("sourceName", d.parent().sourceName());
        o.put("origin", d.origin());
        return o;
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
                Answer.json(ctx, 201, dependencyJson(d));
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
            ObjectNode n = Json.object();
            n.put("count", events.size());
            ArrayNode arr = n.putArray("events");
            for (HeldEvent h : events) {
                arr.addObject().put("seq", h.seq()).put("eventId", h.eventId()).put("kind", h.kind())
                        .put("eventName", h.eventName()).put("sourceName", h.sourceName()).put("requestID", h.outageId())
                        .put("reason", h.reason()).put("heldBy", DependencyHold.parentIn(h.reason()))
                        .put("time", Instant.ofEpochMilli(h.createdAtMillis()).toString())
                        .put("timeMillis", h.createdAtMillis()).put("published", false);
            }
            return n;
        }, b -> Answer.json(ctx, 200, b));
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

package io.vigil.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Store work runs on worker threads; every error is a JSON body from {@link Json#error}.
 */
public final class DetectionApi implements ApiExtension {
    private static final Logger log = LoggerFactory.getLogger(DetectionApi.class);
    private static final int MAX_BODY = 64 * 1024;
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

    private final Vertx vertx;
    private final Backend backend;

    public DetectionApi(Vertx vertx, Backend backend) {
        this.vertx = vertx;
        this.backend = backend;
    }

    @Override
    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        if (path.equals("/api/v1/silences") || path.startsWith("/api/v1/silences/")) {
            collection(req, "/api/v1/silences", true);
            return true;
        }
        if (path.equals("/api/v1/dependencies") || path.startsWith("/api/v1/dependencies/")) {
            collection(req, "/api/v1/dependencies", false);
            return true;
        }
        if (path.equals("/api/v1/events/held")) {
            if (req.method() != HttpMethod.GET) methodNotAllowed(req, "GET");
            else held(req);
            return true;
        }
        return false;
    }

    private void collection(HttpServerRequest req, String base, boolean silences) {
        String rest = req.path().substring(base.length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (req.method() == HttpMethod.GET) blocking(req, () -> silences ? listSilences() : listDependencies(), b -> HttpApi.json(req, 200, b));
            else if (req.method() == HttpMethod.POST) body(req, json -> {
                if (silences) createSilence(req, json);
                else createDependency(req, json);
            });
            else methodNotAllowed(req, "GET, POST");
            return;
        }
        String id = rest.substring(1);
        if (req.method() == HttpMethod.GET) {
            blocking(req, () -> (silences ? listSilences() : listDependencies()).withArray(silences ? "silences" : "dependencies"), arr -> {
                for (JsonNode n : arr) {
                    if (id.equals(n.path("id").asText())) {
                        HttpApi.json(req, 200, n);
                        return;
                    }
                }
                HttpApi.json(req, 404, Json.error("not_found", "no " + (silences ? "silence" : "dependency") + " with id " + id));
            });
        } else if (req.method() == HttpMethod.DELETE) {
            if (id.startsWith("config-")) {
                HttpApi.json(req, 409, Json.error("defined_in_config", id + " comes from the configuration file; remove it there and reload"));
                return;
            }
            blocking(req, () -> silences ? backend.deleteSilence(id) : backend.deleteDependency(id), deleted -> {
                if (deleted) req.response().setStatusCode(204).end();
                else HttpApi.json(req, 404, Json.error("not_found", "no " + (silences ? "silence" : "dependency") + " with id " + id));
            });
        } else {
            methodNotAllowed(req, "GET, DELETE");
        }
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
                o.put("duration", w.duration().toString());
                o.put("timeZone", w.zone().getId());
            }
        }
        o.put("comment", s.comment());
        o.put("origin", s.origin());
        o.put("active", s.window().activeAt(now));
        return o;
    }

    private void createSilence(HttpServerRequest req, JsonNode body) {
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
            blocking(req, () -> {
                backend.addSilence(s);
                return silenceJson(s, backend.now());
            }, o -> {
                req.response().putHeader("Location", "/api/v1/silences/" + s.id());
                HttpApi.json(req, 201, o);
            });
        } catch (IllegalArgumentException e) {
            HttpApi.json(req, 400, Json.error("invalid_silence", e.getMessage()));
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

    private void createDependency(HttpServerRequest req, JsonNode body) {
        try {
            SourceMatcher child = matcher(body.get("child"), "child");
            JsonNode p = body.get("parent");
            if (p == null || !p.isObject()) throw new IllegalArgumentException("parent: required, {\"eventName\": …, \"sourceName\": …}");
            String pe = text(p, "eventName", "parent"), ps = text(p, "sourceName", "parent");
            if (pe == null || ps == null) throw new IllegalArgumentException("parent: needs both eventName and sourceName (exact names)");
            if (ps.endsWith("*") || pe.endsWith("*")) throw new IllegalArgumentException("parent: must name one source exactly; wildcards are for the child");
            Dependency d = new Dependency(UUID.randomUUID().toString(), child, new SourceKey(pe, ps), "api");
            blocking(req, () -> {
                backend.addDependency(d);
                return dependencyJson(d);
            }, o -> {
                req.response().putHeader("Location", "/api/v1/dependencies/" + d.id());
                HttpApi.json(req, 201, o);
            });
        } catch (IllegalArgumentException e) {
            HttpApi.json(req, 400, Json.error("invalid_dependency", e.getMessage()));
        }
    }

    // ------------------------------------------------------------------ held events

    private void held(HttpServerRequest req) {
        long since;
        int limit;
        try {
            since = HttpApi.sinceParam(req.getParam("since"));
            String l = req.getParam("limit");
            limit = l == null || l.isBlank() ? 1000 : Integer.parseInt(l.trim());
            if (limit < 1 || limit > 100_000) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            HttpApi.json(req, 400, Json.error("bad_parameter", "limit: must be an integer from 1 to 100000"));
            return;
        } catch (IllegalArgumentException e) {
            HttpApi.json(req, 400, Json.error("bad_parameter", e.getMessage()));
            return;
        }
        blocking(req, () -> {
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
        }, b -> HttpApi.json(req, 200, b));
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

    private void body(HttpServerRequest req, java.util.function.Consumer<JsonNode> then) {
        req.body().onComplete(ar -> {
            if (ar.failed()) {
                HttpApi.json(req, 400, Json.error("bad_request", "could not read the body: " + ar.cause().getMessage()));
                return;
            }
            if (ar.result().length() > MAX_BODY) {
                HttpApi.json(req, 413, Json.error("too_large", "body larger than " + MAX_BODY + " bytes"));
                return;
            }
            JsonNode json;
            try {
                json = Json.MAPPER.readTree(ar.result().getBytes());
            } catch (Exception e) {
                HttpApi.json(req, 400, Json.error("invalid_json", "the body is not JSON: " + e.getMessage()));
                return;
            }
            if (json == null || !json.isObject()) {
                HttpApi.json(req, 400, Json.error("invalid_json", "the body must be a JSON object"));
                return;
            }
            then.accept(json);
        });
    }

    private <T> void blocking(HttpServerRequest req, Callable<T> work, java.util.function.Consumer<T> answer) {
        Future<T> f = vertx.executeBlocking(work, false);
        f.onComplete(ar -> {
            if (ar.succeeded()) {
                answer.accept(ar.result());
            } else if (ar.cause() instanceof DependencyCycles.CycleException cycle) {
                HttpApi.json(req, 409, Json.error("dependency_cycle", cycle.getMessage()));
            } else {
                HttpApi.json(req, 503, HiddenErrors.report("unavailable", "HTTP " + req.method() + " " + req.path()
                        + " could not be answered: the store failed", ar.cause()));
            }
        });
    }

    private static void methodNotAllowed(HttpServerRequest req, String allowed) {
        req.response().putHeader("Allow", allowed);
        HttpApi.json(req, 405, Json.error("method_not_allowed", req.path() + " accepts " + allowed));
    }
}

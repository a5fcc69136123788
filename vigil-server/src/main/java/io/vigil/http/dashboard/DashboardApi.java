package io.vigil.http.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceView;
import io.vigil.http.ApiExtension;
import io.vigil.http.SourcesQuery;
import io.vigil.http.Json;
import io.vigil.liveness.ChangeFeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's front door (docs/dashboard.md):
 * <ul>
 *   <li>{@code GET /}: the dashboard, plain HTML/CSS/JS from the classpath folder {@code dashboard/}, with its files
 *       under {@code GET /dashboard/{file}};</li>
 *   <li>{@code GET /api/v1/events/stream}: every durable change event as it happens, as server-sent events
 *       ({@code event: change}, {@code id: eventId}, {@code data: {...}}), with a comment line every 15 s;</li>
 *   <li>{@code GET /api/v1/sources/{eventName}/{sourceName}}: one source (path segments URL-encoded);</li>
 *   <li>{@code GET /api/v1/openapi.json}: the OpenAPI 3.1 document of every endpoint.</li>
 * </ul>
 * The event stream is bounded per connection: when a client reads slower than events come (the connection's write
 * queue is full, or more than {@value #MAX_QUEUED} events wait for its event loop), the connection is closed and the
 * client reconnects and reloads what it shows; events are never queued without bound.
 */
public final class DashboardApi implements ApiExtension {
    private static final Logger log = LoggerFactory.getLogger(DashboardApi.class);
    private static final String STREAM = "/api/v1/events/stream";
    private static final String SOURCE = "/api/v1/sources/";
    private static final String ASSETS = "/dashboard/";
    private static final String OPENAPI = "/api/v1/openapi.json";
    private static final int MAX_QUEUED = 10_000;
    private static final long PING_MILLIS = 15_000;

    /** What the front door needs from the server. Called on event loops: must not block. */
    public interface Backend {
        ChangeFeed changes();

        /** The source's current view, or null when it is not tracked. */
        SourceView source(SourceKey key);

        /** Counts an event stream connection closed because its client read too slowly. */
        void slowClientClosed();
    }

    private record Asset(Buffer body, String contentType) {
    }

    private final Vertx vertx;
    private final Backend backend;
    private final Map<String, Asset> assets = new HashMap<>();

    public DashboardApi(Vertx vertx, Backend backend) {
        this.vertx = vertx;
        this.backend = backend;
        for (String f : new String[] {"index.html", "app.js", "app.css", "favicon.svg"}) {
            assets.put(ASSETS + f, new Asset(resource("dashboard/" + f), contentType(f)));
        }
        assets.put("/", assets.get(ASSETS + "index.html"));
        assets.put(OPENAPI, new Asset(Buffer.buffer(Json.write(openApiDocument())), "application/json"));
    }

    /**
     * The OpenAPI 3.1 document, written as YAML in the classpath resource {@code openapi/openapi.yaml} (easier to
     * keep than JSON by hand) and served as JSON.
     */
    public static JsonNode openApiDocument() {
        try {
            return new YAMLMapper().readTree(resource("openapi/openapi.yaml").getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("openapi/openapi.yaml in the vigil jar is not valid YAML: " + e.getMessage(), e);
        }
    }

    private static Buffer resource(String name) {
        try (InputStream in = DashboardApi.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the vigil jar: rebuild it");
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String file) {
        if (file.endsWith(".html")) return "text/html; charset=utf-8";
        if (file.endsWith(".js")) return "text/javascript; charset=utf-8";
        if (file.endsWith(".css")) return "text/css; charset=utf-8";
        if (file.endsWith(".svg")) return "image/svg+xml";
        return "application/octet-stream";
    }

    @Override
    public boolean handle(HttpServerRequest req) {
        String path = req.path();
        Asset asset = assets.get(path);
        if (asset == null && !path.equals(STREAM) && !(path.startsWith(SOURCE) && path.length() > SOURCE.length())) {
            if (!path.startsWith(ASSETS)) return false;
            json(req, 404, Json.error("not_found", "no such dashboard file: " + path));
            return true;
        }
        if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
            req.response().putHeader("Allow", "GET");
            json(req, 405, Json.error("method_not_allowed", path + " accepts GET"));
            return true;
        }
        if (asset != null) serve(req, asset);
        else if (path.equals(STREAM)) stream(req);
        else source(req, path.substring(SOURCE.length()));
        return true;
    }

    private static void serve(HttpServerRequest req, Asset asset) {
        req.response().putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .end(asset.body());
    }

    private void source(HttpServerRequest req, String rest) {
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
            json(req, 404, Json.error("not_found", "use GET /api/v1/sources/{eventName}/{sourceName}, both URL-encoded"));
            return;
        }
        SourceKey key = new SourceKey(decode(rest.substring(0, slash)), decode(rest.substring(slash + 1)));
        SourceView v = backend.source(key);
        if (v == null) {
            json(req, 404, Json.error("unknown_source", "no source " + key.sourceName() + " under eventName " + key.eventName()));
        } else {
            json(req, 200, SourcesQuery.sourceJson(v));
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ server-sent events

    private void stream(HttpServerRequest req) {
        HttpServerResponse res = req.response();
        res.setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
        Context ctx = vertx.getOrCreateContext();
        AtomicInteger queued = new AtomicInteger();
        AutoCloseable[] subscription = new AutoCloseable[1];
        long ping = vertx.setPeriodic(PING_MILLIS, id -> {
            if (!res.closed()) res.write(": ping\n\n");
        });
        Runnable stop = () -> {
            vertx.cancelTimer(ping);
            try {
                if (subscription[0] != null) subscription[0].close();
            } catch (Exception e) {
                log.debug("closing an event stream subscription", e);
            }
        };
        res.closeHandler(v -> stop.run());
        subscription[0] = backend.changes().subscribe(event -> {
            if (queued.incrementAndGet() > MAX_QUEUED) {
                queued.decrementAndGet();
                ctx.runOnContext(v -> closeSlow(res, backend));
                throw new IllegalStateException("slow event stream client"); // the feed drops this subscriber
            }
            String frame = frame(event);
            ctx.runOnContext(v -> {
                queued.decrementAndGet();
                if (res.closed() || res.ended()) return;
                if (res.writeQueueFull()) {
                    closeSlow(res, backend);
                    return;
                }
                res.write(frame);
            });
        });
        // subscribed before the first byte goes out: a client that sees the stream open misses no later event
        res.write("retry: 2000\n: connected\n\n");
        if (res.closed()) stop.run();
    }

    private static void closeSlow(HttpServerResponse res, Backend backend) {
        if (!res.closed() && !res.ended()) {
            backend.slowClientClosed();
            log.debug("an event stream client reads too slowly; closed (it reconnects and reloads)");
            res.reset();
        }
    }

    /** One change event as an SSE frame. */
    static String frame(ChangeEvent e) {
        ObjectNode o = Json.object();
        o.put("eventId", e.eventId());
        o.put("kind", e.kind());
        o.put("eventName", e.source().eventName());
        o.put("sourceName", e.source().sourceName());
        o.put("from", e.from().name());
        o.put("state", e.to().name());
        o.put("time", Instant.ofEpochMilli(e.atMillis()).toString());
        o.put("timeMillis", e.atMillis());
        o.put("lastSeenMillis", e.lastSeenMillis());
        o.put("outageId", e.outageId());
        o.put("alarmStartMillis", e.alarmStartMillis());
        o.put("reason", e.reason());
        o.put("published", e.isPublished());
        return "event: change\nid: " + e.eventId() + "\ndata: " + Json.write(o) + "\n\n";
    }

    private static void json(HttpServerRequest req, int status, Object body) {
        HttpServerResponse r = req.response();
        if (r.ended()) return;
        r.setStatusCode(status).putHeader("Content-Type", "application/json").end(Json.write(body));
    }
}

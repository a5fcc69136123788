package io.vigil.http.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceView;
import io.vigil.http.Answer;
import io.vigil.http.ApiRoutes;
import io.vigil.http.RouteTable;
import io.vigil.http.SourcesQuery;
import io.vigil.http.Json;
import io.vigil.liveness.ChangeFeed;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
public final class DashboardApi implements ApiRoutes {
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
    public void declare(RouteTable routes) {
        Asset page = assets.get(ASSETS + "index.html");
        routes.get("/", ctx -> serve(ctx.request(), page)) // the front door: the one place where "/" is routed
                .get(ASSETS + ":file", ctx -> {
                    Asset asset = assets.get(ctx.request().path());
                    if (asset == null) Answer.error(ctx, 404, "not_found", "no such dashboard file: " + ctx.request().path());
                    else serve(ctx.request(), asset);
                })
                .get(OPENAPI, ctx -> serve(ctx.request(), assets.get(OPENAPI)))
                .get(STREAM, ctx -> stream(ctx.request()))
                .get(SOURCE + ":eventName/:sourceName", ctx -> source(ctx, ctx.pathParam("eventName"), ctx.pathParam("sourceName")));
    }

    private static void serve(HttpServerRequest req, Asset asset) {
        req.response().putHeader("Content-Type", asset.contentType())
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .end(asset.body());
    }

    /** One source by its names (the router decodes the URL-encoded path segments). */
    private void source(RoutingContext ctx, String eventName, String sourceName) {
        SourceKey key = new SourceKey(eventName, sourceName);
        SourceView v = backend.source(key);
        if (v == null) {
            Answer.error(ctx, 404, "unknown_source", "no source " + key.sourceName() + " under eventName " + key.eventName());
        } else {
            Answer.json(ctx, 200, SourcesQuery.sourceJson(v));
        }
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
        ChangeFrame o = new ChangeFrame(e.eventId(), e.kind().name(), e.source().eventName(), e.source().sourceName(),
                e.from().name(), e.to().name(), Instant.ofEpochMilli(e.atMillis()).toString(), e.atMillis(), e.lastSeenMillis(),
                e.outageId(), e.alarmStartMillis(), e.reason(), e.isPublished());
        return "event: change\nid: " + e.eventId() + "\ndata: " + Json.write(o) + "\n\n";
    }

    /** The data of one {@code change} frame of the event stream: the change event as the dashboard reads it. */
    record ChangeFrame(String eventId, String kind, String eventName, String sourceName, String from, String state,
                       String time, long timeMillis, long lastSeenMillis, String outageId, long alarmStartMillis,
                       String reason, boolean published) {
    }
}

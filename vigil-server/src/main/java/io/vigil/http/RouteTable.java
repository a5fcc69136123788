package io.vigil.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every HTTP endpoint of the server, declared once: method, path ({@code :id} for a path parameter), the query
 * parameters it reads, and a handler. From the declarations come the vertx-web {@link Router} — with one body-size
 * limit enforced while the body is read, one JSON error shape, 405 with {@code Allow} naming the methods the path has
 * (a GET also answers HEAD),
 * and a JSON 404 — and the endpoint index served at {@code GET /api/v1}. A route declared with {@link #raw} is
 * served outside the router (the VES listener, the ingest hot path) and only listed in the index.
 *
 * <p>Not thread-safe: declare everything, then {@link #router build} the router.
 */
public final class RouteTable {
    /** One endpoint as the index lists it, e.g. {@code GET /api/v1/sources?eventName=&state=}. */
    public record Endpoint(HttpMethod method, String path, String query) {
        /** {@code METHOD /path/{param}[?query]}. */
        public String display() {
            String p = java.util.Arrays.stream(path.split("/", -1))
                    .map(s -> s.startsWith(":") ? "{" + s.substring(1) + "}" : s)
                    .collect(Collectors.joining("/"));
            return method.name() + " " + p + (query == null || query.isEmpty() ? "" : "?" + query);
        }
    }

    private record Entry(Endpoint endpoint, Handler<RoutingContext> handler) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public RouteTable get(String path, Handler<RoutingContext> handler) {
        return add(HttpMethod.GET, path, null, handler);
    }

    /** A GET whose query parameters the index names ({@code "since=&limit="}). */
    public RouteTable get(String path, String query, Handler<RoutingContext> handler) {
        return add(HttpMethod.GET, path, query, handler);
    }

    public RouteTable post(String path, Handler<RoutingContext> handler) {
        return add(HttpMethod.POST, path, null, handler);
    }

    public RouteTable delete(String path, Handler<RoutingContext> handler) {
        return add(HttpMethod.DELETE, path, null, handler);
    }

    public RouteTable add(HttpMethod method, String path, String query, Handler<RoutingContext> handler) {
        for (Entry e : entries) {
            if (e.endpoint.method.equals(method) && e.endpoint.path.equals(path))
                throw new IllegalStateException(method + " " + path + " is declared twice");
        }
        entries.add(new Entry(new Endpoint(method, path, query), handler));
        return this;
    }

    /** An endpoint served before the router (by a raw request handler); only listed in the index. */
    public RouteTable raw(HttpMethod method, String path) {
        return add(method, path, null, null);
    }

    /** Every declared endpoint in declaration order. */
    public List<Endpoint> endpoints() {
        return entries.stream().map(Entry::endpoint).toList();
    }

    /**
     * The router for the declared routes. Request bodies are read by one {@link BodyHandler} limited to
     * {@code maxBodyBytes}: a larger body (by Content-Length, or while it streams in) is answered 413 without being
     * buffered.
     */
    public Router router(Vertx vertx, long maxBodyBytes) {
        Router r = Router.router(vertx);
        r.route().handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        Map<String, Set<HttpMethod>> methods = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (e.handler == null) continue;
            var route = r.route(e.endpoint.method, e.endpoint.path);
            if (e.endpoint.method.equals(HttpMethod.GET)) route.method(HttpMethod.HEAD); // a GET answers HEAD too
            route.handler(e.handler);
            methods.computeIfAbsent(e.endpoint.path, p -> new LinkedHashSet<>()).add(e.endpoint.method);
        }
        // the path exists but not with this method: 405 naming the methods it has
        methods.forEach((path, allowed) -> {
            String allow = allowed.stream().map(HttpMethod::name).collect(Collectors.joining(", "));
            r.route(path).handler(ctx -> {
                ctx.response().putHeader("Allow", allow);
                Answer.error(ctx, 405, "method_not_allowed", ctx.request().path() + " accepts " + allow);
            });
        });
        r.route().handler(RouteTable::notFound);
        r.errorHandler(413, ctx -> {
            // answered at the limit; the connection is closed so that the rest of the body is never read
            var res = ctx.response();
            if (res.ended()) return;
            res.putHeader("Connection", "close").putHeader("Content-Type", "application/json").setStatusCode(413)
                    .end(Json.write(Json.error("too_large", "body larger than http.maxBodyBytes (" + maxBodyBytes + " bytes)")))
                    .onComplete(x -> ctx.request().connection().close());
        });
        r.errorHandler(400, ctx -> Answer.error(ctx, 400, "bad_request", "could not read the request"
                + (ctx.failure() == null ? "" : ": " + ctx.failure().getMessage())));
        r.errorHandler(500, ctx -> Answer.json(ctx, 500, HiddenErrors.report("internal", "HTTP " + ctx.request().method()
                + " " + ctx.request().path() + " failed with an internal error", ctx.failure())));
        return r;
    }

    /** 404 in the API's error shape, pointing to the index. */
    public static void notFound(RoutingContext ctx) {
        Answer.error(ctx, 404, "not_found", "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()
                + " (GET " + HttpApi.INDEX + " lists them)");
    }
}

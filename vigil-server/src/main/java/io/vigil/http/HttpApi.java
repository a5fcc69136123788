package io.vigil.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.micrometer.core.instrument.Counter;
import io.vigil.config.HttpConfig;
import io.vigil.http.auth.AccessGate;
import io.vigil.http.auth.AccessPolicy;
import io.vigil.http.auth.Decision;
import io.vigil.ingest.Channel;
import io.vigil.ingest.IngestLimits;
import io.vigil.metrics.VigilMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's HTTP face, on Vert.x: the VES event listener (ingest, a raw handler: the hot path) in front of a vertx-web
 * {@link Router} that serves every REST endpoint declared by the mounted {@link ApiRoutes}. One server instance per
 * event loop shares the port, so ingest uses every core. Handlers never block an event loop: store queries run on
 * Vert.x worker threads.
 *
 * <p>Every error answer is JSON: {@code {"error": "...", "code": "..."}} (see {@link Json#error}); the endpoint index
 * is generated from the declared routes and served at {@value #INDEX}.
 */
public final class HttpApi implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
    /** The endpoint index. */
    public static final String INDEX = "/api/v1";

    private final Vertx vertx;
    private final HttpConfig cfg;
    private final String version;
    private final VesListener ves;
    private final AccessGate gate;
    private final ConnectionGuard guard;
    private final VigilMetrics metrics;
    private final Counter unauthorized;
    private ServerCertificates certificates;
    private final List<ApiRoutes> mounted = new CopyOnWriteArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private volatile Router router;
    private volatile List<RouteTable.Endpoint> endpoints = List.of();
    private int port;

    private HttpApi(Vertx vertx, HttpConfig cfg, String version, Supplier<HeartbeatRoute> heartbeats,
                    Supplier<IngestLimits> limits, VigilMetrics metrics) {
        this.vertx = vertx;
        this.cfg = cfg;
        this.version = version;
        this.ves = new VesListener(heartbeats, limits, cfg.maxBodyBytes(), metrics);
        this.gate = new AccessGate(AccessPolicy.of(cfg.auth(), cfg.access()));
        this.guard = new ConnectionGuard(vertx, cfg.connections());
        this.metrics = metrics;
        this.unauthorized = metrics.rejected(Channel.HTTP, "unauthorized");
    }

    /**
     * Binds {@code cfg.host():cfg.port()} (port 0 = any free port) with one server per event loop and serves the
     * given routes; more can be {@link #mount mounted} later.
     *
     * @param heartbeats where the VES listener sends heartbeats, asked per request (it follows the HA role)
     * @param limits     the input limits heartbeats are parsed against, asked per request (they follow reloads)
     */
    public static HttpApi start(Vertx vertx, HttpConfig cfg, String version, Supplier<HeartbeatRoute> heartbeats,
                                Supplier<IngestLimits> limits, VigilMetrics metrics, List<ApiRoutes> routes) throws Exception {
        HttpApi api = new HttpApi(vertx, cfg, version, heartbeats, limits, metrics);
        api.mounted.addAll(routes);
        api.rebuild();
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
        api.guard.bindMetrics(metrics.registry());
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

    /** Adds endpoints (an optional capability's); served from the next request on. */
    public void mount(ApiRoutes routes) {
        mounted.add(routes);
        rebuild();
    }

    /** Every endpoint served, as the index lists it. */
    public List<RouteTable.Endpoint> endpoints() {
        return endpoints;
    }

    public int port() {
        return port;
    }

    /** The access rules of {@code http.auth} (a reload that changes only the tokens applies them here). */
    public AccessGate gate() {
        return gate;
    }

    /**
     * Re-reads the TLS certificate files (SIGHUP); they are also re-read when they change.
     *
     * @return false when there is no TLS or the new files could not be loaded (the old certificate stays)
     */
    public boolean reloadCertificates() {
        return certificates != null && certificates.reload();
    }

    private synchronized void rebuild() {
        RouteTable table = new RouteTable();
        table.get(INDEX, this::index); // "/" is the dashboard's (io.vigil.http.dashboard)
        ves.declare(table);
        for (ApiRoutes r : mounted) r.declare(table);
        endpoints = table.endpoints();
        router = table.router(vertx, cfg.maxBodyBytes());
    }

    /** Connection limits, then access, then the VES listener (hot path) or the router. */
    private void handle(HttpServerRequest req) {
        if (!guard.admit(req)) return;
        boolean ingest = req.path().startsWith(VesListener.PREFIX);
        if (gate.admit(req) instanceof Decision.Deny deny) {
            metrics.httpDenied(deny.status()).increment();
            if (ingest) unauthorized.increment();
            return;
        }
        if (ingest) ves.handle(req);
        else router.handle(req);
    }

    private void index(RoutingContext ctx) {
        Answer.json(ctx, 200, new Index("vigil", version, endpoints.stream().map(RouteTable.Endpoint::display).toList()));
    }

    /** {@code GET /api/v1}: the endpoints, generated from the routes. */
    record Index(String service, String version, List<String> endpoints) {
    }

    private static int freePort(String host) throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        }
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

package io.vigil.collect.rpc;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vigil.collect.CollectJson;
import java.util.concurrent.TimeUnit;

/**
 * A standalone collector's HTTP server ({@code vigil collector}): the RPC of {@link CollectorRpcHandler} plus
 * {@code GET /healthz} ({@code {"status":"UP","collector":id}}). Close it to stop listening.
 */
public final class CollectorHttpServer implements AutoCloseable {
    private final HttpServer server;

    private CollectorHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code host:port} (0 = any free port); fails with a message naming the port when it is taken. */
    public static CollectorHttpServer start(Vertx vertx, String host, int port, CollectorService service) throws Exception {
        CollectorRpcHandler rpc = new CollectorRpcHandler(service);
        HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)).requestHandler(req -> {
            if ("/healthz".equals(req.path())) {
                CollectorRpcHandler.json(req, 200, CollectJson.object().put("status", "UP").put("collector", service.id()));
            } else if (!rpc.handle(req)) {
                CollectorRpcHandler.error(req, 404, "not_found", "no such path " + req.path()
                        + "; a collector serves POST /rpc/get_all, POST /rpc/get_changes, GET /rpc/datasources, GET /healthz");
            }
        });
        try {
            s.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("collector cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); is another process using the port? Choose another with --port", e);
        }
        return new CollectorHttpServer(s);
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().await(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}

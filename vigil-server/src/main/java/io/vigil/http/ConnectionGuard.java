package io.vigil.http;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.config.HttpConfig;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the HTTP port from using up the process's file descriptors (issue 19.1: 21,000 idle connections made every
 * source look dead, since nothing else could open a socket or a file any more).
 *
 * <ul>
 *   <li>At most {@code http.maxConnections} connections are served (lowered at start to the open-file limit minus
 *       {@value #FD_RESERVE}, logged). A connection past the cap is answered only {@code GET /healthz} and
 *       {@code /readyz}, so a load balancer's health check still gets through, and is closed after its answer or
 *       after one second; others get 503 {@code too_many_connections} and are closed. Past the cap plus
 *       {@value #HEALTH_RESERVE} it is closed at once.</li>
 *   <li>The request line and headers must arrive within {@code http.headerTimeout} of the connection opening: a
 *       silent or trickling client (slowloris) is closed. On a kept-alive connection the next request's headers must
 *       be in within {@code http.idleTimeout + http.headerTimeout} of the previous answer.</li>
 *   <li>{@code http.idleTimeout} is Vert.x's idle timeout, set on the server options by the caller.</li>
 * </ul>
 *
 * <p>Thread-safety: the state of a connection is touched only on its event loop; the counters are atomic.
 */
final class ConnectionGuard {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Descriptors kept free for the store, Kafka, files and the health-only connections past the cap. */
    static final int FD_RESERVE = 256;
    /** Connections past the cap that are still served health checks. */
    static final int HEALTH_RESERVE = 64;
    private static final long OVER_CAP_HEADER_MILLIS = 1000;
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final Vertx vertx;
    private final int max;
    private final long headerTimeoutMillis;
    private final long keptAliveMillis;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Conn> connections = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private final LongAdder headerTimeouts = new LongAdder();
    private final AtomicLong warnedAt = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);

    /** One connection's state; event-loop confined. */
    private static final class Conn {
        final boolean overCap;
        long headerTimer = -1;

        Conn(boolean overCap) {
            this.overCap = overCap;
        }
    }

    ConnectionGuard(Vertx vertx, HttpConfig.Connections cfg) {
        this.vertx = vertx;
        this.max = effectiveMax(cfg.max(), openFileLimit());
        this.headerTimeoutMillis = cfg.headerTimeout().toMillis();
        this.keptAliveMillis = cfg.idleTimeout().toMillis() + headerTimeoutMillis;
    }

    /** {@code configured}, lowered to {@code fdLimit - FD_RESERVE} (at least 1) when the limit is known and lower. */
    static int effectiveMax(int configured, long fdLimit) {
        if (fdLimit <= 0 || configured <= fdLimit - FD_RESERVE) return configured;
        int lowered = (int) Math.max(1, fdLimit - FD_RESERVE);
        log.warn("http.maxConnections {} is above the open-file limit {} minus {} kept for the store, Kafka and health "
                + "checks: using {}. Raise the limit (ulimit -n, LimitNOFILE=) or lower http.maxConnections",
                configured, fdLimit, FD_RESERVE, lowered);
        return lowered;
    }

    private static long openFileLimit() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    int max() {
        return max;
    }

    void bindMetrics(MeterRegistry registry) {
        Gauge.builder("vigil_http_connections", open, AtomicInteger::get)
                .description("open HTTP connections").register(registry);
        FunctionCounter.builder("vigil_http_connections_refused_total", refused, LongAdder::sum)
                .description("connections past http.maxConnections (served health checks only, then closed)").register(registry);
        FunctionCounter.builder("vigil_http_header_timeouts_total", headerTimeouts, LongAdder::sum)
                .description("connections closed because the request headers did not arrive within http.headerTimeout")
                .register(registry);
    }

    /** The server's connection handler. */
    void opened(HttpConnection connection) {
        int n = open.incrementAndGet();
        connection.closeHandler(v -> {
            open.decrementAndGet();
            Conn c = connections.remove(connection);
            if (c != null && c.headerTimer >= 0) vertx.cancelTimer(c.headerTimer);
        });
        if (n <= max) {
            Conn c = new Conn(false);
            connections.put(connection, c);
            armHeaderTimer(connection, c, headerTimeoutMillis);
            return;
        }
        refused.increment();
        long now = System.nanoTime();
        long last = warnedAt.get();
        if (now - last >= WARN_EVERY_NANOS && warnedAt.compareAndSet(last, now)) {
            log.warn("{} HTTP connections are open, more than http.maxConnections ({}): new ones are served health checks "
                    + "only and closed ({} so far). Find the client that holds connections open, or raise the limit",
                    n - 1, max, refused.sum());
        }
        if (n > max + HEALTH_RESERVE) {
            connection.close();
            return;
        }
        Conn c = new Conn(true);
        connections.put(connection, c);
        armHeaderTimer(connection, c, Math.min(headerTimeoutMillis, OVER_CAP_HEADER_MILLIS));
    }

    private void armHeaderTimer(HttpConnection connection, Conn c, long millis) {
        c.headerTimer = vertx.setTimer(millis, id -> {
            if (c.headerTimer != id) return;
            headerTimeouts.increment();
            connection.close();
        });
    }

    /**
     * Called with every request once its headers are in. Returns true when the caller should go on; false when this
     * guard answered it already (a connection past the cap asking for something other than a health check).
     */
    boolean admit(HttpServerRequest req) {
        HttpConnection connection = req.connection();
        Conn c = connections.get(connection);
        if (c == null) return true;
        if (c.headerTimer >= 0) {
            vertx.cancelTimer(c.headerTimer);
            c.headerTimer = -1;
        }
        if (c.overCap) {
            req.response().putHeader("Connection", "close");
            req.response().endHandler(v -> connection.close());
            String path = req.path();
            if ("/healthz".equals(path) || "/readyz".equals(path)) return true;
            req.response().putHeader("Retry-After", "1");
            Answer.json(req, 503, Json.error("too_many_connections", "more than http.maxConnections (" + max
                    + ") connections are open; only /healthz and /readyz are served on new ones until some close"));
            return false;
        }
        // a kept-alive connection may idle for idleTimeout (Vert.x closes it then); a next request trickled in byte
        // by byte, which keeps it from being idle, must still be complete within idleTimeout + headerTimeout
        req.response().endHandler(v -> {
            if (connections.get(connection) == c) armHeaderTimer(connection, c, keptAliveMillis);
        });
        return true;
    }
}

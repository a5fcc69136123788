package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.secret.BasicAuth;
import java.time.Duration;

/**
 * The HTTP server: VES ingest, REST API, metrics. YAML section {@code http}.
 *
 * @param port         TCP port, 0..65535 (0 = any free port, for tests); default {@value #DEFAULT_PORT}
 * @param host         address to bind; default {@value #DEFAULT_HOST}
 * @param maxBodyBytes largest request body accepted before answering 413; default 1 MiB
 * @param auth         basic auth required on the VES ingest endpoints, or null for none
 * @param access       bearer tokens and roles ({@code http.auth.tokens}, {@code http.auth.trustLoopback})
 * @param tls          TLS certificate files, or null for plain HTTP
 * @param connections  how many connections, and how long they may stay silent
 */
public record HttpConfig(int port, String host, long maxBodyBytes, @Nullable BasicAuth auth, io.vigil.access.ApiAccess access,
                         @Nullable HttpTls tls, Connections connections) {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public HttpConfig {
        if (host == null) host = DEFAULT_HOST;
        if (maxBodyBytes <= 0) maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        if (access == null) access = io.vigil.access.ApiAccess.defaults();
        if (connections == null) connections = Connections.DEFAULTS;
    }

    /** Plain HTTP with the default access rules and connection limits. */
    public HttpConfig(int port, String host, long maxBodyBytes, BasicAuth auth) {
        this(port, host, maxBodyBytes, auth, null, null, null);
    }

    /** The same settings with other access rules. */
    public HttpConfig withAccess(io.vigil.access.ApiAccess newAccess) {
        return new HttpConfig(port, host, maxBodyBytes, auth, newAccess, tls, connections);
    }

    /** The same settings with TLS (null: plain HTTP). */
    public HttpConfig withTls(HttpTls newTls) {
        return new HttpConfig(port, host, maxBodyBytes, auth, access, newTls, connections);
    }

    /** The same settings with other connection limits. */
    public HttpConfig withConnections(Connections newConnections) {
        return new HttpConfig(port, host, maxBodyBytes, auth, access, tls, newConnections);
    }

    /** {@code https} when TLS is configured, else {@code http}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    public static HttpConfig defaults() {
        return new HttpConfig(DEFAULT_PORT, DEFAULT_HOST, DEFAULT_MAX_BODY_BYTES, null);
    }

    /** The same settings on another port (the {@code --port} command-line override). */
    public HttpConfig withPort(int newPort) {
        return new HttpConfig(newPort, host, maxBodyBytes, auth, access, tls, connections);
    }

    /**
     * Connection limits, so that idle or slow clients cannot use up the process's file descriptors (every source
     * would look dead then).
     *
     * @param max           most open connections ({@code http.maxConnections}); past it a connection is only served
     *                      {@code /healthz} and {@code /readyz} and closed; capped below the process's open-file
     *                      limit at start
     * @param idleTimeout   a connection with no traffic for this long is closed ({@code http.idleTimeout})
     * @param headerTimeout the request line and headers must arrive within this long of the connection opening
     *                      ({@code http.headerTimeout}; on a kept-alive connection within idleTimeout + headerTimeout
     *                      of the previous answer); a silent or trickling client is closed
     */
    public record Connections(int max, Duration idleTimeout, Duration headerTimeout) {
        public static final int DEFAULT_MAX = 10_000;
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
        public static final Connections DEFAULTS = new Connections(DEFAULT_MAX, DEFAULT_IDLE_TIMEOUT, DEFAULT_HEADER_TIMEOUT);

        public Connections {
            if (max < 1) throw new IllegalArgumentException("http.maxConnections must be at least 1, got " + max);
            if (idleTimeout == null || idleTimeout.toMillis() < 1) throw new IllegalArgumentException("http.idleTimeout must be positive");
            if (headerTimeout == null || headerTimeout.toMillis() < 1) throw new IllegalArgumentException("http.headerTimeout must be positive");
        }
    }
}

package io.vigil.config;

/**
 * The HTTP server: VES ingest, REST API, metrics. YAML section {@code http}.
 *
 * @param port         TCP port, 0..65535 (0 = any free port, for tests); default {@value #DEFAULT_PORT}
 * @param host         address to bind; default {@value #DEFAULT_HOST}
 * @param maxBodyBytes largest request body accepted before answering 413; default 1 MiB
 * @param auth         basic auth required on the VES ingest endpoints, or null for none
 * @param access       bearer tokens and roles ({@code http.auth.tokens}, {@code http.auth.trustLoopback})
 * @param tls          TLS certificate files, or null for plain HTTP
 */
public record HttpConfig(int port, String host, long maxBodyBytes, BasicAuth auth, io.vigil.http.auth.ApiAccess access,
                         HttpTls tls) {
    public static final int DEFAULT_PORT = 8080;
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public HttpConfig {
        if (host == null) host = DEFAULT_HOST;
        if (maxBodyBytes <= 0) maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        if (access == null) access = io.vigil.http.auth.ApiAccess.defaults();
    }

    /** Plain HTTP with the default access rules. */
    public HttpConfig(int port, String host, long maxBodyBytes, BasicAuth auth) {
        this(port, host, maxBodyBytes, auth, null, null);
    }

    /** The same settings with other access rules. */
    public HttpConfig withAccess(io.vigil.http.auth.ApiAccess newAccess) {
        return new HttpConfig(port, host, maxBodyBytes, auth, newAccess, tls);
    }

    /** The same settings with TLS (null: plain HTTP). */
    public HttpConfig withTls(HttpTls newTls) {
        return new HttpConfig(port, host, maxBodyBytes, auth, access, newTls);
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
        return new HttpConfig(newPort, host, maxBodyBytes, auth, access, tls);
    }
}

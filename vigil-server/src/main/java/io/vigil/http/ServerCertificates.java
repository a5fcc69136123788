package io.vigil.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vigil.config.HttpTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS of the HTTP server ({@code http.tls}): PEM certificate and key, optionally a client CA that makes client
 * certificates mandatory; and their reload without a restart.
 *
 * <p>Every {@value #CHECK_MILLIS} ms (off the event loops) the files' modification times and sizes are compared with
 * the last ones seen; on a change, or on {@link #reload()} (SIGHUP), every server instance gets the files again
 * through {@link HttpServer#updateSSLOptions}. New connections use the new certificate, open ones keep theirs. When
 * the new files are broken (a half-written key, a key that does not fit the certificate) the servers keep the old
 * certificate and an ERROR says what to fix; the next change is tried again.
 */
final class ServerCertificates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);
    static final long CHECK_MILLIS = 2000;

    private final Vertx vertx;
    private final HttpTls tls;
    private final List<HttpServer> servers;
    private volatile List<Object> seen;
    private final long timer;

    private ServerCertificates(Vertx vertx, HttpTls tls, List<HttpServer> servers) {
        this.vertx = vertx;
        this.tls = tls;
        this.servers = servers;
        this.seen = fingerprint();
        this.timer = vertx.setPeriodic(CHECK_MILLIS, id -> vertx.executeBlocking(() -> {
            if (!Objects.equals(seen, fingerprint())) reload();
            return null;
        }, false));
    }

    /** Sets TLS on {@code opts} (nothing when {@code tls} is null). */
    static HttpServerOptions configure(HttpServerOptions opts, HttpTls tls) {
        if (tls == null) return opts;
        opts.setSsl(true).setKeyCertOptions(keyCert(tls));
        if (tls.clientCaFile() != null) opts.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(trust(tls));
        return opts;
    }

    /** Watches the files of {@code tls} for the running {@code servers}; null when there is no TLS. */
    static ServerCertificates watch(Vertx vertx, HttpTls tls, List<HttpServer> servers) {
        return tls == null ? null : new ServerCertificates(vertx, tls, servers);
    }

    /**
     * Re-reads the files into every server instance (blocking, at most a few seconds).
     *
     * @return true when every instance took them
     */
    boolean reload() {
        List<Object> now = fingerprint();
        ServerSSLOptions ssl = new ServerSSLOptions().setKeyCertOptions(keyCert(tls));
        if (tls.clientCaFile() != null) ssl.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(trust(tls));
        boolean all = true;
        for (HttpServer s : new ArrayList<>(servers)) {
            try {
                s.updateSSLOptions(ssl, true).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                all = false;
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                log.error("TLS files {} / {} could not be loaded ({}); the server keeps its previous certificate. Fix the "
                        + "files (PEM certificate chain and its private key); they are tried again on the next change or SIGHUP",
                        tls.certFile(), tls.keyFile(), cause.getMessage());
                break;
            }
        }
        seen = now;
        if (all) log.info("TLS certificate reloaded from {}", tls.certFile());
        return all;
    }

    private static PemKeyCertOptions keyCert(HttpTls tls) {
        return new PemKeyCertOptions().setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString());
    }

    private static PemTrustOptions trust(HttpTls tls) {
        return new PemTrustOptions().addCertPath(tls.clientCaFile().toString());
    }

    private List<Object> fingerprint() {
        List<Object> out = new ArrayList<>();
        for (Path p : new Path[]{tls.certFile(), tls.keyFile(), tls.clientCaFile()}) {
            if (p == null) continue;
            try {
                out.add(Files.getLastModifiedTime(p).toMillis());
                out.add(Files.size(p));
            } catch (Exception e) {
                out.add(e.getClass().getSimpleName()); // gone for a moment (being replaced): compared again next time
            }
        }
        return out;
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}

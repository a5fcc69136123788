package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS of the HTTP server: YAML {@code http.tls}. The files are PEM and are re-read when they change (checked every
 * few seconds) or on SIGHUP, without a restart, so a certificate can be renewed in place.
 *
 * @param certFile     the server certificate chain (PEM), not null
 * @param keyFile      its private key (PEM, PKCS#8 or PKCS#1), not null
 * @param clientCaFile when set, clients must present a certificate signed by one of these CAs (PEM); else null
 */
public record HttpTls(Path certFile, Path keyFile, @Nullable Path clientCaFile) {
    public HttpTls {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}

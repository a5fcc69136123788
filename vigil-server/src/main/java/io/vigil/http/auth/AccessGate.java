package io.vigil.http.auth;

import io.vigil.access.Role;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vigil.http.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the HTTP server asks {@link AccessPolicy} about a request: answers refusals (401/403 with a
 * JSON error body) and writes the audit log.
 *
 * <p>Audit: every request that needs {@link Role#ADMIN} (every mutation), served or refused, gives one line on the
 * logger {@value #AUDIT_LOGGER} once its answer is sent: {@code who=<caller> from=<address> action="POST /path"
 * result=<status>}. Route that logger to its own file in {@code logback.xml} to keep an audit trail.
 *
 * <p>Thread-safe; the policy is swapped atomically on reload.
 */
public final class AccessGate {
    public static final String AUDIT_LOGGER = "vigil.audit";
    private static final Logger audit = LoggerFactory.getLogger(AUDIT_LOGGER);

    private volatile AccessPolicy policy;

    public AccessGate(AccessPolicy policy) {
        this.policy = policy;
    }

    /** Uses {@code next} for the requests that come after (a config reload). */
    public void setPolicy(AccessPolicy next) {
        this.policy = next;
    }

    /**
     * Returns the decision for {@code req}; a {@link Decision.Deny} has already been answered (the caller stops).
     * Call before reading the body.
     */
    public Decision admit(HttpServerRequest req) {
        String method = req.method().name();
        String path = req.path();
        InetAddress client = clientAddress(req.remoteAddress());
        Decision d = policy.decide(method, path, req.getHeader("Authorization"), client);
        boolean mutation = AccessPolicy.required(method, path) == Role.ADMIN;
        String from = client == null ? "unknown" : client.getHostAddress();
        HttpServerResponse r = req.response();
        switch (d) {
            case Decision.Allow a -> {
                if (mutation) r.endHandler(v -> audit.info("who={} from={} action=\"{} {}\" result={}", a.who(), from,
                        method, path, r.getStatusCode()));
            }
            case Decision.Deny x -> {
                if (mutation) audit.info("who={} from={} action=\"{} {}\" result={} ({})", x.who() == null ? "unauthenticated" : x.who(),
                        from, method, path, x.status(), x.code());
                if (x.challenge() != null) r.putHeader("WWW-Authenticate", x.challenge());
                if (!r.ended()) {
                    r.setStatusCode(x.status()).putHeader("Content-Type", "application/json")
                            .end(Json.write(Json.error(x.code(), x.message())));
                }
            }
        }
        return d;
    }

    /** The connection's peer as an address (a literal: no name lookup), or null for a Unix socket or none. */
    static InetAddress clientAddress(SocketAddress a) {
        if (a == null || a.hostAddress() == null || a.hostAddress().isEmpty()) return null;
        try {
            return InetAddress.getByName(a.hostAddress());
        } catch (UnknownHostException e) {
            return null;
        }
    }
}

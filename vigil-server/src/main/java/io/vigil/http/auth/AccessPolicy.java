package io.vigil.http.auth;

import io.vigil.access.ApiAccess;
import io.vigil.access.ApiToken;
import io.vigil.access.Role;

import io.vigil.secret.BasicAuth;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

/**
 * Decides whether an HTTP request may be served: pure (no I/O), so every rule is unit-tested without sockets.
 *
 * <p>What an endpoint needs ({@link #required}): nothing for {@code /healthz}, {@code /readyz} and GETs outside the
 * API (the dashboard's static files); {@link Role#INGEST} for {@code /eventListener/…}; {@link Role#READ} for GET/HEAD
 * on {@code /api/…}, {@code /metrics} and the collector RPC {@code /rpc/…} (a query, even when POSTed); and
 * {@link Role#ADMIN} for every other method, i.e. every mutation.
 *
 * <p>Credentials: {@code Authorization: Bearer <token>} is looked up among the configured tokens by its SHA-256 digest,
 * compared in constant time against every token (no early exit, so timing tells nothing about which one nearly
 * matched). {@code Authorization: Basic …} is accepted on the VES endpoints when {@code http.auth.user/password} is
 * set (the ONAP drop-in), also compared in constant time. Missing or wrong credentials: 401; a valid token whose role
 * does not grant the endpoint: 403.
 *
 * <p>The secure default, while no token is configured: reads stay open, ingest is open unless basic credentials are
 * set, and mutations are served only to clients the {@code trusted} predicate accepts (loopback addresses, unless
 * {@code http.auth.trustLoopback: false}); the others get 403 naming {@code http.auth.tokens}. Once a token is
 * configured, every endpoint but the open ones needs credentials, from loopback too. {@code X-Forwarded-For} is never
 * consulted: a header anyone can write cannot prove where a request came from.
 *
 * <p>Immutable and thread-safe; a reload builds a new one.
 */
public final class AccessPolicy {
    private final List<ApiToken> tokens;
    private final BasicAuth basic;
    private final byte[] basicDigest;
    private final Predicate<InetAddress> trusted;

    /**
     * @param basic   VES basic credentials, or null
     * @param access  the configured tokens
     * @param trusted which client addresses may mutate while no token is configured
     */
    public AccessPolicy(BasicAuth basic, ApiAccess access, Predicate<InetAddress> trusted) {
        this.tokens = access.tokens();
        this.basic = basic;
        this.basicDigest = basic == null ? null : ApiToken.digest(basic.user() + ":" + basic.password());
        this.trusted = trusted;
    }

    /** The policy of the config: loopback clients are trusted unless {@code trustLoopback} is false. */
    public static AccessPolicy of(BasicAuth basic, ApiAccess access) {
        return new AccessPolicy(basic, access, access.trustLoopback() ? InetAddress::isLoopbackAddress : a -> false);
    }

    /** The role an endpoint needs, or null when it is open to anyone. */
    public static Role required(String method, String path) {
        if (path.equals("/healthz") || path.equals("/readyz")) return null;
        if (path.startsWith("/eventListener/")) return Role.INGEST;
        if (path.startsWith("/rpc/")) return Role.READ;
        boolean read = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
        if (!read) return Role.ADMIN;
        return path.startsWith("/api/") || path.equals("/metrics") ? Role.READ : null;
    }

    /**
     * @param authorization the {@code Authorization} header, or null
     * @param client        the peer address of the connection, or null when unknown (never trusted)
     */
    public Decision decide(String method, String path, String authorization, InetAddress client) {
        Role needed = required(method, path);
        if (needed == null) return new Decision.Allow("anonymous");
        String what = method + " " + path;
        if (authorization != null && regionIs(authorization, "Bearer ")) {
            ApiToken t = lookup(authorization.substring(7).trim());
            if (t == null) {
                return new Decision.Deny(401, "unauthorized", tokens.isEmpty()
                        ? "a bearer token was sent but none is configured (http.auth.tokens)"
                        : "unknown bearer token", bearerChallenge("invalid_token"), null);
            }
            if (!t.role().grants(needed)) {
                return new Decision.Deny(403, "forbidden", "token '" + t.name() + "' has role " + t.role().text() + "; "
                        + what + " needs role " + needed.text() + (needed == Role.ADMIN ? "" : " (or admin)"), null, t.name());
            }
            return new Decision.Allow(t.name());
        }
        if (authorization != null && regionIs(authorization, "Basic ") && basic != null && needed == Role.INGEST) {
            if (basicMatches(authorization.substring(6).trim())) return new Decision.Allow("basic:" + basic.user());
            return new Decision.Deny(401, "unauthorized", "wrong HTTP basic credentials for the VES listener",
                    basicChallenge(), null);
        }
        if (authorization != null) {
            return new Decision.Deny(401, "unauthorized", "unsupported credentials for " + what
                    + ": send Authorization: Bearer <token>", bearerChallenge(null), null);
        }
        // no credentials
        switch (needed) {
            case INGEST -> {
                if (basic == null && tokens.isEmpty()) return new Decision.Allow("anonymous");
                return new Decision.Deny(401, "unauthorized", "the VES listener needs credentials: "
                        + (basic != null ? "HTTP basic (http.auth.user/password)" : "")
                        + (basic != null && !tokens.isEmpty() ? " or " : "")
                        + (tokens.isEmpty() ? "" : "a bearer token with role ingest"),
                        basic != null ? basicChallenge() : bearerChallenge(null), null);
            }
            case READ -> {
                if (tokens.isEmpty()) return new Decision.Allow("anonymous");
                return new Decision.Deny(401, "unauthorized", what + " needs a bearer token with role read or admin "
                        + "(Authorization: Bearer <token>)", bearerChallenge(null), null);
            }
            default -> {
                if (!tokens.isEmpty()) {
                    return new Decision.Deny(401, "unauthorized", what + " needs a bearer token with role admin "
                            + "(Authorization: Bearer <token>)", bearerChallenge(null), null);
                }
                if (client != null && trusted.test(client)) return new Decision.Allow("loopback");
                return new Decision.Deny(403, "forbidden", what + " is a mutation: with no http.auth.tokens configured, "
                        + "mutations are served to loopback clients only. Configure http.auth.tokens with an admin token "
                        + "and send it as Authorization: Bearer <token>", null, null);
            }
        }
    }

    private ApiToken lookup(String presented) {
        if (presented.isEmpty() || tokens.isEmpty()) return null;
        byte[] d = ApiToken.digest(presented);
        ApiToken found = null;
        for (ApiToken t : tokens) {
            if (t.matches(d) && found == null) found = t; // every token is compared: constant time in the match position
        }
        return found;
    }

    private boolean basicMatches(String b64) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(basicDigest, ApiToken.digest(decoded));
    }

    private static boolean regionIs(String header, String scheme) {
        return header.regionMatches(true, 0, scheme, 0, scheme.length());
    }

    private static String bearerChallenge(String error) {
        return "Bearer realm=\"vigil\"" + (error == null ? "" : ", error=\"" + error + "\"");
    }

    private static String basicChallenge() {
        return "Basic realm=\"vigil\"";
    }
}

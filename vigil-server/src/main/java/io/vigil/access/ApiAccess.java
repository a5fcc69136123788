package io.vigil.access;

import java.util.List;

/**
 * Bearer tokens for the HTTP API: YAML {@code http.auth.tokens} and {@code http.auth.trustLoopback}. (The basic
 * credentials {@code http.auth.user/password} of the VES endpoints stay in {@code HttpConfig.auth()}.)
 *
 * @param tokens        bearer tokens with roles; empty = the secure default (reads and ingest open, mutations for
 *                      loopback clients only)
 * @param trustLoopback with no tokens configured, whether loopback clients may mutate (default true). Set it to
 *                      false when a reverse proxy on the same host forwards outside clients: they would all look
 *                      like loopback
 */
public record ApiAccess(List<ApiToken> tokens, boolean trustLoopback) {
    public ApiAccess {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    /** No tokens configured: the secure default. */
    public static ApiAccess defaults() {
        return new ApiAccess(List.of(), true);
    }
}

package io.vigil.http.auth;

/** The outcome of {@link AccessPolicy#decide}: served, or refused with an HTTP status and a message. */
public sealed interface Decision {
    /** Served; {@code who} names the caller for the audit log (a token name, {@code basic:user}, {@code loopback}, {@code anonymous}). */
    record Allow(String who) implements Decision {
    }

    /**
     * Refused.
     *
     * @param status    401 (missing or wrong credentials) or 403 (known caller, too small a role; or not loopback)
     * @param code      the {@code code} of the JSON error body
     * @param message   what is wrong and what to do
     * @param challenge the {@code WWW-Authenticate} value of a 401, or null
     * @param who       the caller if known (a valid token's name), else null
     */
    record Deny(int status, String code, String message, String challenge, String who) implements Decision {
    }
}

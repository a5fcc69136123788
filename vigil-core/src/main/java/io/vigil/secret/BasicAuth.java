package io.vigil.secret;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP basic-auth credentials: what the VES endpoints require ({@code http.auth}) and what Vigil sends to a Message
 * Router ({@code ingest.dmaap.auth}, {@code publish[].auth}). {@link #toString()} never shows the password, so a
 * config holding one can be logged.
 *
 * @param user     user name, not null
 * @param password password, not null (may be empty)
 */
public record BasicAuth(String user, String password) {
    public BasicAuth {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The {@code Authorization} header value: {@code Basic base64(user:password)}. */
    public String headerValue() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + ", password=" + Secrets.MASK + "]";
    }
}

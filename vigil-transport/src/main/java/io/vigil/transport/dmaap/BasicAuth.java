package io.vigil.transport.dmaap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/** HTTP basic credentials for the Message Router (AAF user). {@link #toString()} hides the password. */
public record BasicAuth(String user, String password) {

    public BasicAuth {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** The {@code Authorization} header value. */
    public String headerValue() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + ", password=***]";
    }
}

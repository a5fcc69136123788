package io.vigil.config;

import java.util.Objects;

/**
 * HTTP basic-auth credentials. {@link #toString()} never shows the password, so a config can be logged.
 *
 * @param user     user name, not null
 * @param password password, not null (may be empty)
 */
public record BasicAuth(String user, String password) {
    public BasicAuth {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "BasicAuth[user=" + user + ", password=******]";
    }
}

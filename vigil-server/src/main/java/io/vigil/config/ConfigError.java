package io.vigil.config;

import java.util.Objects;

/**
 * One problem in a configuration.
 *
 * @param path   where: a key path such as {@code monitors[1].heartbeatInterval} (ONAP keys for ONAP JSON),
 *               or {@code line 3, column 7} for a syntax error
 * @param reason what is wrong and what is expected
 */
public record ConfigError(String path, String reason) {
    public ConfigError {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code path: reason}, the format printed by {@code vigil config check}. */
    @Override
    public String toString() {
        return path.isEmpty() ? reason : path + ": " + reason;
    }
}

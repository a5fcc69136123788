package io.vigil.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found (not only the first).
 * The message lists them one per line as {@code path: reason}.
 */
public final class ConfigException extends Exception {
    private final String origin;
    private final List<ConfigError> errors;

    public ConfigException(String origin, List<ConfigError> errors) {
        super(message(origin, errors), null, false, false);
        if (errors.isEmpty()) throw new IllegalArgumentException("a ConfigException needs at least one error");
        this.origin = origin;
        this.errors = List.copyOf(errors);
    }

    /** The file name or URL the configuration came from. */
    public String origin() {
        return origin;
    }

    /** Every problem, in document order. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String message(String origin, List<ConfigError> errors) {
        StringBuilder sb = new StringBuilder("invalid configuration ").append(origin).append(" (")
                .append(errors.size()).append(errors.size() == 1 ? " error)" : " errors)");
        for (ConfigError e : errors) sb.append("\n  ").append(e);
        return sb.toString();
    }
}

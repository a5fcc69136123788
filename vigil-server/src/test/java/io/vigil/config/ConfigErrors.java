package io.vigil.config;

import java.util.List;

/** The errors a YAML configuration is refused with, for the tests of config validation. */
public final class ConfigErrors {
    private ConfigErrors() {
    }

    /**
     * Parses {@code yaml} and returns its errors as {@code path: reason} lines, in document order.
     *
     * @throws AssertionError when the configuration is valid
     */
    public static List<String> of(String yaml) {
        try {
            ConfigLoader.parse(yaml, "test.yaml");
        } catch (ConfigException e) {
            return e.errors().stream().map(ConfigError::toString).toList();
        }
        throw new AssertionError("expected the configuration to be invalid:\n" + yaml);
    }
}

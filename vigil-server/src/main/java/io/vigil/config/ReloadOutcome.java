package io.vigil.config;

/**
 * What a configuration reload did: applied (with what changed), rejected as invalid (every error), impossible because
 * there is nothing to reload from (409), or failed to fetch or read the configuration (502). In every case but
 * {@link Applied} the running configuration stays.
 */
public sealed interface ReloadOutcome {

    record Applied(ConfigDiff diff) implements ReloadOutcome {
    }

    record Invalid(ConfigException errors) implements ReloadOutcome {
    }

    /** Started without {@code --config} and without a remote config URL. */
    record NothingToReload(String reason) implements ReloadOutcome {
    }

    /** The configuration could not be fetched or read. */
    record Failed(String problem) implements ReloadOutcome {
    }

    default boolean applied() {
        return this instanceof Applied;
    }
}

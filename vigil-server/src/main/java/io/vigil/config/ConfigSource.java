package io.vigil.config;

/** Where a {@link VigilConfig} came from; decides how its keys are reported in errors and docs. */
public enum ConfigSource {
    /** Built in code: the embedded defaults ({@link VigilConfig#defaults()}). */
    DEFAULT,
    /** Vigil's own YAML (or JSON written with Vigil's keys). */
    YAML,
    /** ONAP's heartbeat-service configuration JSON, read unchanged. */
    ONAP_JSON
}

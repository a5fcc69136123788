package io.vigil.config;

import io.vigil.dependency.Dependency;
import io.vigil.monitor.Monitor;
import io.vigil.silence.Silence;
import java.time.Duration;
import java.util.List;

/**
 * Detection tuning. YAML section {@code detection}, plus the top-level {@code silences} and {@code dependencies}
 * lists (see docs/detection.md).
 *
 * @param grace              silence forgiven after a restart, takeover or ingest outage before sources may go
 *                           MISSING; null means "one heartbeatInterval of the source's monitor"
 * @param checkpointInterval how often lastSeen times are written behind to the store; default 1 s
 * @param silences           maintenance windows from the config (ids {@code config-N}); API ones live in the store
 * @param dependencies       parent/child rules from the config (ids {@code config-N}); API ones live in the store
 */
public record DetectionConfig(Duration grace, Duration checkpointInterval, List<Silence> silences,
                              List<Dependency> dependencies) {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    public DetectionConfig {
        if (checkpointInterval == null) checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        silences = silences == null ? List.of() : List.copyOf(silences);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    public DetectionConfig(Duration grace, Duration checkpointInterval) {
        this(grace, checkpointInterval, List.of(), List.of());
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** The grace period for the sources of {@code monitor}: the configured one, else its heartbeatInterval. */
    public Duration graceFor(Monitor monitor) {
        return grace != null ? grace : monitor.heartbeatInterval();
    }
}

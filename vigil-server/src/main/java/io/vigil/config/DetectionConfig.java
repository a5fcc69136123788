package io.vigil.config;

import io.vigil.monitor.Monitor;
import java.time.Duration;

/**
 * Detection tuning. YAML section {@code detection}.
 *
 * @param grace              silence forgiven after a restart, takeover or ingest outage before sources may go
 *                           MISSING; null means "one heartbeatInterval of the source's monitor"
 * @param checkpointInterval how often lastSeen times are written behind to the store; default 1 s
 */
public record DetectionConfig(Duration grace, Duration checkpointInterval) {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);

    public DetectionConfig {
        if (checkpointInterval == null) checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** The grace period for the sources of {@code monitor}: the configured one, else its heartbeatInterval. */
    public Duration graceFor(Monitor monitor) {
        return grace != null ? grace : monitor.heartbeatInterval();
    }
}

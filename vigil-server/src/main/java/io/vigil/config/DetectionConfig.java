package io.vigil.config;

import org.jspecify.annotations.Nullable;
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
 * @param maxSilence         the longest one-off silence (endsAt − startsAt), API or config; default 30 days, so a
 *                           forgotten or mistyped silence cannot mute its sources for years
 * @param warmUp             whether the alarm path is warmed up by synthetic storms on a scratch store once the
 *                           engine tracks {@value #WARM_UP_AFTER_SOURCES} sources (the first real storm is then as
 *                           fast as later ones); default true
 */
public record DetectionConfig(@Nullable Duration grace, Duration checkpointInterval, List<Silence> silences,
                              List<Dependency> dependencies, Duration maxSilence, boolean warmUp) {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_SILENCE = Duration.ofDays(30);
    /** Tracked sources from which a storm is worth warming up for (and {@code detection.warmUp} starts). */
    public static final int WARM_UP_AFTER_SOURCES = 10_000;

    public DetectionConfig {
        if (checkpointInterval == null) checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        if (maxSilence == null) maxSilence = DEFAULT_MAX_SILENCE;
        silences = silences == null ? List.of() : List.copyOf(silences);
        dependencies = dependencies == null ? List.of() : List.copyOf(dependencies);
    }

    public DetectionConfig(Duration grace, Duration checkpointInterval, List<Silence> silences,
                           List<Dependency> dependencies, Duration maxSilence) {
        this(grace, checkpointInterval, silences, dependencies, maxSilence, true);
    }

    public DetectionConfig(Duration grace, Duration checkpointInterval) {
        this(grace, checkpointInterval, List.of(), List.of(), DEFAULT_MAX_SILENCE, true);
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(null, DEFAULT_CHECKPOINT_INTERVAL);
    }

    /** The grace period for the sources of {@code monitor}: the configured one, else its heartbeatInterval. */
    public Duration graceFor(Monitor monitor) {
        return grace != null ? grace : monitor.heartbeatInterval();
    }
}

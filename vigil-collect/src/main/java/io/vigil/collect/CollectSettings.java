package io.vigil.collect;

import io.vigil.collect.action.ActionSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.worker.WorkerSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The pull side's configuration (YAML {@code collect}, {@code workers}, {@code actions}), already validated.
 *
 * @param changesInterval how often the engine calls {@code get_changes} ({@code collect.changesInterval})
 * @param allInterval     how often the engine calls {@code get_all} and then takes a snapshot ({@code collect.allInterval})
 * @param callTimeout     bound on one RPC to a collector ({@code collect.callTimeout})
 * @param collectors      base URLs of {@code vigil collector} processes; empty = the in-process collector
 * @param eventQueue      where collectors also append their results in the background (the store, a Kafka topic, none)
 * @param datasources     the datasources, names unique
 * @param workers         where status-change events go ({@code workers[]})
 * @param actions         named actions for delayed actions and plan steps ({@code actions})
 */
public record CollectSettings(
        Duration changesInterval,
        Duration allInterval,
        Duration callTimeout,
        List<String> collectors,
        EventQueueSpec eventQueue,
        List<DatasourceSpec> datasources,
        List<WorkerSpec> workers,
        Map<String, ActionSpec> actions) {

    public static final Duration DEFAULT_CHANGES_INTERVAL = Duration.ofSeconds(2);
    public static final Duration DEFAULT_ALL_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(10);

    /** Nothing configured: the pull side does not start. */
    public static final CollectSettings NONE = new CollectSettings(null, null, null, null, null, null, null, null);

    public CollectSettings {
        if (changesInterval == null) changesInterval = DEFAULT_CHANGES_INTERVAL;
        if (allInterval == null) allInterval = DEFAULT_ALL_INTERVAL;
        if (callTimeout == null) callTimeout = DEFAULT_CALL_TIMEOUT;
        if (eventQueue == null) eventQueue = EventQueueSpec.STORE;
        collectors = collectors == null ? List.of() : List.copyOf(collectors);
        datasources = datasources == null ? List.of() : List.copyOf(datasources);
        workers = workers == null ? List.of() : List.copyOf(workers);
        actions = actions == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(actions));
    }

    /** True when there is anything to collect from (datasources here or remote collectors). */
    public boolean enabled() {
        return !datasources.isEmpty() || !collectors.isEmpty();
    }

    /** The datasource named {@code name}, or null. */
    public DatasourceSpec datasource(String name) {
        for (DatasourceSpec d : datasources) if (d.name().equals(name)) return d;
        return null;
    }

    public List<String> datasourceNames() {
        return datasources.stream().map(DatasourceSpec::name).toList();
    }

    public CollectSettings withIntervals(Duration changes, Duration all) {
        return new CollectSettings(Objects.requireNonNull(changes), Objects.requireNonNull(all), callTimeout, collectors,
                eventQueue, datasources, workers, actions);
    }
}

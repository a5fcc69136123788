package io.vigil.config;

import io.vigil.monitor.Monitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reload changes, so that the engine applies only that: monitors added (start monitoring),
 * removed (stop; their open alarms are closed with an ABATED "monitor removed"), changed (interval,
 * missed count, time base or closed-loop fields; applied at once). {@code restartNeeded} names the
 * sections and keys that changed but are only read at startup ({@code http}, {@code store}, {@code ha},
 * {@code collect} with {@code workers} and {@code actions}, {@code detection.grace},
 * {@code detection.checkpointInterval}, {@code ingest.kafka}, {@code config.remote.pollInterval}).
 *
 * @param added         monitors whose eventName is new, in the new config's order
 * @param removed       eventNames no longer configured, in the old config's order
 * @param changed       new versions of monitors whose eventName stays but whose rule changed
 * @param restartNeeded top-level sections that differ and need a restart to take effect
 */
public record ConfigDiff(List<Monitor> added, List<String> removed, List<Monitor> changed, List<String> restartNeeded) {

    public ConfigDiff {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        restartNeeded = List.copyOf(restartNeeded);
    }

    /** The changes that turn {@code before} into {@code after}. */
    public static ConfigDiff between(VigilConfig before, VigilConfig after) {
        Map<String, Monitor> old = byName(before.monitors());
        Map<String, Monitor> now = byName(after.monitors());
        List<Monitor> added = new ArrayList<>();
        List<Monitor> changed = new ArrayList<>();
        for (Monitor m : now.values()) {
            Monitor was = old.get(m.eventName());
            if (was == null) added.add(m);
            else if (!was.equals(m)) changed.add(m);
        }
        List<String> removed = new ArrayList<>();
        for (String name : old.keySet()) if (!now.containsKey(name)) removed.add(name);
        List<String> restart = new ArrayList<>();
        if (!Objects.equals(before.http(), after.http())) restart.add("http");
        if (!Objects.equals(before.store(), after.store())) restart.add("store");
        if (!Objects.equals(before.ha(), after.ha())) restart.add("ha");
        if (!Objects.equals(before.collect(), after.collect())) restart.add("collect");
        // read once at start (the liveness service, the Kafka consumer, the remote poll timer): never silently ignored
        if (!Objects.equals(before.detection().grace(), after.detection().grace())) restart.add("detection.grace");
        if (!Objects.equals(before.detection().checkpointInterval(), after.detection().checkpointInterval()))
            restart.add("detection.checkpointInterval");
        if (!Objects.equals(before.ingest().kafka(), after.ingest().kafka())) restart.add("ingest.kafka");
        if (!Objects.equals(before.remote().pollInterval(), after.remote().pollInterval())) restart.add("config.remote.pollInterval");
        return new ConfigDiff(added, removed, changed, restart);
    }

    /** True when no monitor changes. */
    public boolean monitorsUnchanged() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    private static Map<String, Monitor> byName(List<Monitor> monitors) {
        Map<String, Monitor> map = new LinkedHashMap<>();
        for (Monitor m : monitors) map.put(m.eventName(), m);
        return map;
    }
}

package io.vigil.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.monitor.Monitor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a reload changes, so that the engine applies only that: monitors added (start monitoring),
 * removed (stop; their open alarms are closed with an ABATED "monitor removed"), changed (interval,
 * missed count, time base or closed-loop fields; applied at once). {@code restartNeeded} names the
 * sections and keys that changed but are only read at startup: those whose reload policy in {@link ConfigKeys} is
 * restart ({@code http}, {@code store}, {@code ha}, {@code collect} with {@code workers} and {@code actions}, {@code peers},
 * {@code detection.grace}, {@code detection.checkpointInterval}, {@code ingest.kafka}, {@code config.remote.pollInterval}).
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
        return new ConfigDiff(added, removed, changed, restartNeeded(before, after));
    }

    /**
     * The keys read at startup only ({@link ConfigKey.Reload#RESTART} in {@link ConfigKeys}) whose value differs, compared
     * on the normalized form ({@link ConfigJson}, secrets revealed: it loads back to an equal configuration). Whole
     * top-level sections first ({@code http}, {@code store}, …), then single keys inside live sections
     * ({@code detection.grace}, …), each in declaration order.
     */
    static List<String> restartNeeded(VigilConfig before, VigilConfig after) {
        JsonNode was = ConfigJson.toTree(before, true);
        JsonNode now = ConfigJson.toTree(after, true);
        Set<String> out = new LinkedHashSet<>();
        for (boolean topLevel : new boolean[] {true, false}) {
            for (ConfigKey<?> key : ConfigKeys.all()) {
                if (!key.declaresRestart() || (key.depth() == 1) != topLevel) continue;
                List<String> path = key.jsonPath();
                if (path == null) continue; // a scope repeated inside a restart section (….check): covered by it
                if (!Objects.equals(at(was, path), at(now, path))) out.add(key.restartName());
            }
        }
        return List.copyOf(out);
    }

    private static JsonNode at(JsonNode root, List<String> path) {
        JsonNode n = root;
        for (String k : path) n = n.path(k);
        return n;
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

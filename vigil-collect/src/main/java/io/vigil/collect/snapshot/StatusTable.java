package io.vigil.collect.snapshot;

import io.vigil.collect.datasource.Entity;
import io.vigil.collect.rpc.RpcResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The engine's view of every collected entity, and the diff that turns each collector answer into status changes.
 * Pure and deterministic (replaying the same answers in the same order gives the same changes), which is what makes
 * snapshot + replay exact. Not thread-safe: one coordinator thread owns it.
 *
 * <p>Rules of {@link #apply}:
 * <ul>
 *   <li>An observation older than the one held for that entity is ignored (a bulk get_all that was collected before a
 *       live change but arrives after it must not undo it).</li>
 *   <li>A different state, code, status or ip is a change. The same values only refresh the observation time.</li>
 *   <li>The very first answer applied is the baseline and yields no change; afterwards a new entity is a change with
 *       no previous state.</li>
 *   <li>An entity reported {@code deleted}, or absent from a get_all that read its datasource completely (and observed
 *       before that get_all started), is removed: a change to state {@code deleted}.</li>
 * </ul>
 */
public final class StatusTable {
    private final Map<String, Entity> entities = new LinkedHashMap<>();
    private boolean baseline;

    /** Applies one collector answer and returns its changes, in answer order. */
    public List<StatusChange> apply(RpcResult r) {
        List<StatusChange> changes = new ArrayList<>();
        Set<String> seen = r.isAll() ? new HashSet<>() : null;
        for (Entity e : r.entities()) {
            if (seen != null) seen.add(e.key());
            Entity prev = entities.get(e.key());
            if (prev != null && e.timeMillis() < prev.timeMillis()) continue;
            if (e.deleted()) {
                if (prev != null) {
                    entities.remove(e.key());
                    changes.add(new StatusChange(prev, e));
                }
                continue;
            }
            entities.put(e.key(), e);
            if (prev == null) {
                if (baseline) changes.add(new StatusChange(null, e));
            } else if (e.differsFrom(prev)) {
                changes.add(new StatusChange(prev, e));
            }
        }
        if (r.isAll()) {
            Set<String> complete = new HashSet<>(r.datasources());
            for (Iterator<Entity> it = entities.values().iterator(); it.hasNext(); ) {
                Entity e = it.next();
                if (complete.contains(e.datasource()) && !seen.contains(e.key()) && e.timeMillis() < r.collectedAtMillis()) {
                    it.remove();
                    changes.add(new StatusChange(e, e.withState(Entity.DELETED, null, r.collectedAtMillis())));
                }
            }
        }
        baseline = true;
        return changes;
    }

    /** Replaces the whole table (a loaded snapshot); what follows is diffed against it. */
    public void restore(Collection<Entity> snapshot) {
        entities.clear();
        for (Entity e : snapshot) entities.put(e.key(), e);
        baseline = true;
    }

    /** An immutable copy of the current entities, in first-seen order. */
    public List<Entity> entities() {
        return List.copyOf(entities.values());
    }

    public int size() {
        return entities.size();
    }

    public boolean hasBaseline() {
        return baseline;
    }
}

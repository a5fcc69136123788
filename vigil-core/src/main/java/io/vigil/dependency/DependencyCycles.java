package io.vigil.dependency;

import io.vigil.engine.SourceKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a cycle in a set of {@link Dependency} rules. A cycle (A depends on B, B depends on A, also through a wildcard
 * child that matches another rule's parent) would hold each source's ONSET behind the other's forever, so the API and
 * the config reader refuse rules that close one.
 *
 * <p>Only parents can lie on a cycle (a source that is no rule's parent has nobody depending on it), so the graph's
 * nodes are the rules' parents, with an edge P → Q when a rule with parent Q has a child matcher that matches P (P
 * depends on Q). Cost: O(p × r) matcher tests for p distinct parents and r rules; rule sets are small (hundreds).
 * Stateless and thread-safe.
 */
public final class DependencyCycles {

    private DependencyCycles() {
    }

    /**
     * A cycle among {@code rules}, as the sources on it with the first repeated at the end (A, B, A), or empty when
     * there is none.
     */
    public static Optional<List<SourceKey>> find(Collection<Dependency> rules) {
        LinkedHashSet<SourceKey> parents = new LinkedHashSet<>();
        for (Dependency d : rules) parents.add(d.parent());
        Map<SourceKey, List<SourceKey>> dependsOn = new HashMap<>();
        for (SourceKey p : parents) {
            List<SourceKey> out = new ArrayList<>();
            for (Dependency d : rules) {
                if (d.appliesTo(p) && !out.contains(d.parent())) out.add(d.parent());
            }
            dependsOn.put(p, out);
        }
        Map<SourceKey, Mark> marks = new HashMap<>();
        for (SourceKey start : parents) {
            if (marks.containsKey(start)) continue;
            List<SourceKey> path = new ArrayList<>();
            Optional<List<SourceKey>> cycle = visit(start, dependsOn, marks, path);
            if (cycle.isPresent()) return cycle;
        }
        return Optional.empty();
    }

    /** {@code rules} plus {@code added}: the cycle that {@code added} would close, if any. */
    public static Optional<List<SourceKey>> closedBy(Collection<Dependency> rules, Dependency added) {
        List<Dependency> all = new ArrayList<>(rules);
        all.add(added);
        return find(all);
    }

    /** "A → B → A", for error messages. */
    public static String describe(List<SourceKey> cycle) {
        return String.join(" → ", cycle.stream().map(SourceKey::toString).toList());
    }

    /** Thrown by a store of rules asked to add one that closes a cycle; the message names the cycle. */
    public static final class CycleException extends IllegalArgumentException {
        private final List<SourceKey> cycle;

        public CycleException(List<SourceKey> cycle) {
            super("this dependency would close a cycle: " + describe(cycle) + "; each source's ONSET would be held "
                    + "behind the other's forever. Remove one of these rules first");
            this.cycle = List.copyOf(cycle);
        }

        /** The sources on the cycle, the first repeated at the end. */
        public List<SourceKey> cycle() {
            return cycle;
        }
    }

    private enum Mark { ON_PATH, DONE }

    // Depth-first; the depth is at most the number of parents, a few hundred in practice.
    private static Optional<List<SourceKey>> visit(SourceKey node, Map<SourceKey, List<SourceKey>> dependsOn,
                                                   Map<SourceKey, Mark> marks, List<SourceKey> path) {
        marks.put(node, Mark.ON_PATH);
        path.add(node);
        for (SourceKey next : dependsOn.getOrDefault(node, List.of())) {
            Mark m = marks.get(next);
            if (m == Mark.ON_PATH) {
                List<SourceKey> cycle = new ArrayList<>(path.subList(path.indexOf(next), path.size()));
                cycle.add(next);
                return Optional.of(List.copyOf(cycle));
            }
            if (m == null) {
                Optional<List<SourceKey>> found = visit(next, dependsOn, marks, path);
                if (found.isPresent()) return found;
            }
        }
        path.removeLast();
        marks.put(node, Mark.DONE);
        return Optional.empty();
    }
}

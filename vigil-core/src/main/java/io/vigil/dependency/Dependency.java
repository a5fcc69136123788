package io.vigil.dependency;

import io.vigil.engine.SourceKey;
import io.vigil.silence.SourceMatcher;
import java.util.Objects;

/**
 * "The sources matching {@code child} depend on {@code parent}": while the parent is MISSING (or overdue, i.e. it
 * has missed a heartbeat and its own decision is pending), its children's ONSETs are held. When the parent recovers,
 * a child still MISSING one full threshold (its interval × missed) later gets its ONSET published; a child that came
 * back in that time never raises one. So a dead site raises one alarm, not one per thing behind it.
 *
 * @param id     stable id (a UUID through the API, {@code config-N} from the config)
 * @param child  the dependent sources (wildcards allowed, see {@link SourceMatcher})
 * @param parent the source they depend on (exact names)
 * @param origin {@code api} or {@code config}
 */
public record Dependency(String id, SourceMatcher child, SourceKey parent, String origin) {

    public Dependency {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(child, "child");
        Objects.requireNonNull(parent, "parent");
        if (origin == null) origin = "api";
    }

    /** True when {@code key} is one of this rule's children (a source never depends on itself). */
    public boolean appliesTo(SourceKey key) {
        return child.matches(key) && !parent.equals(key);
    }
}

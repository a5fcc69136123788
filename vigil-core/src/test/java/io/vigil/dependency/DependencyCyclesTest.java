package io.vigil.dependency;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.engine.SourceKey;
import io.vigil.silence.SourceMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules that would hold each other's ONSETs forever are found, with the sources on the cycle. */
class DependencyCyclesTest {
    private static final String HB = "Heartbeat";

    private static Dependency rule(String id, String child, String parent) {
        return new Dependency(id, new SourceMatcher(HB, child), new SourceKey(HB, parent), "api");
    }

    private static SourceKey key(String name) {
        return new SourceKey(HB, name);
    }

    @Test
    void twoSourcesDependingOnEachOtherAreACycle() {
        var cycle = DependencyCycles.find(List.of(rule("1", "a", "b"), rule("2", "b", "a")));
        assertThat(cycle).hasValue(List.of(key("b"), key("a"), key("b")));
        assertThat(DependencyCycles.describe(cycle.orElseThrow())).isEqualTo("Heartbeat/b → Heartbeat/a → Heartbeat/b");
    }

    @Test
    void aWildcardChildThatMatchesItsParentsParentIsACycle() {
        // hub depends on site-1; every site-* depends on hub, site-1 included
        var cycle = DependencyCycles.closedBy(List.of(rule("1", "hub", "site-1")), rule("2", "site-*", "hub"));
        assertThat(cycle).isPresent();
        assertThat(cycle.orElseThrow()).contains(key("hub"), key("site-1"));
    }

    @Test
    void aLongerLoopIsFound() {
        var cycle = DependencyCycles.find(List.of(rule("1", "a", "b"), rule("2", "b", "c"), rule("3", "c", "a")));
        assertThat(cycle.orElseThrow()).hasSize(4);
        assertThat(cycle.orElseThrow().getFirst()).isEqualTo(cycle.orElseThrow().getLast());
    }

    @Test
    void chainsTreesAndAWildcardThatMatchesItsOwnParentAreNoCycle() {
        assertThat(DependencyCycles.find(List.of(rule("1", "a", "b"), rule("2", "b", "c"), rule("3", "x*", "c"))))
                .isEmpty();
        // site-* matches site-hub itself, but a source never depends on itself
        assertThat(DependencyCycles.find(List.of(rule("1", "site-*", "site-hub")))).isEmpty();
        assertThat(DependencyCycles.find(List.of(new Dependency("1", SourceMatcher.ANY, key("core"), "api"),
                rule("2", "leaf", "edge")))).isEmpty();
    }

    @Test
    void aMatchAllChildClosesACycleWithAnyRuleOfItsParent() {
        assertThat(DependencyCycles.find(List.of(new Dependency("1", SourceMatcher.ANY, key("core"), "api"),
                rule("2", "core", "edge")))).hasValue(List.of(key("core"), key("edge"), key("core")));
    }
}

package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the parent back out of a recorded reason: only dependency holds name one. */
class DependencyHoldTest {
    private static final SourceKey SITE = new SourceKey("Heartbeat_site", "site a");

    @Test
    void heldOnsetAndHeldAbatedNameTheirParent() {
        assertThat(DependencyHold.parentIn("silent 3001 ms > 3 x 1000 ms; held: "
                + DependencyHold.reason(SITE, DependencyHold.MISSING))).isEqualTo("Heartbeat_site/site a");
        assertThat(DependencyHold.parentIn("silent 3001 ms > 3 x 1000 ms; held: "
                + DependencyHold.reason(SITE, DependencyHold.OVERDUE))).isEqualTo("Heartbeat_site/site a");
        assertThat(DependencyHold.parentIn("heartbeat received; not published: its ONSET was held ("
                + DependencyHold.reason(SITE, DependencyHold.RECOVERED) + ")")).isEqualTo("Heartbeat_site/site a");
    }

    @Test
    void otherReasonsNameNoParent() {
        assertThat(DependencyHold.parentIn(null)).isNull();
        assertThat(DependencyHold.parentIn("silent 3001 ms > 3 x 1000 ms; held: silence s1 (upgrade of the parent site)")).isNull();
        assertThat(DependencyHold.parentIn("silent 3001 ms > 3 x 1000 ms; held: flapping")).isNull();
        assertThat(DependencyHold.parentIn("4 state changes within 30000 ms: notifications held until it is stable for that long")).isNull();
    }
}

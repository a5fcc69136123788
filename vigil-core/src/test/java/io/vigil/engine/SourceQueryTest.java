package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.engine.SourceQuery.SourceOrder;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sources table's server-side filters, order and paging ({@link Engine#query}), on a manual clock. */
class SourceQueryTest {
    private static final String A = "Heartbeat_A";
    private static final String B = "Heartbeat_B";
    private final ManualClock clock = new ManualClock();
    private Engine engine;

    @BeforeEach
    void setUp() {
        engine = new Engine(clock, e -> { }, -1);
        engine.configure(List.of(monitor(A), monitor(B)));
    }

    private static Monitor monitor(String name) {
        return new Monitor(name, Duration.ofMillis(1000), 3, TimeBase.ARRIVAL, ClosedLoop.NONE);
    }

    private void beat(String eventName, String source, Channel channel) {
        engine.accept(new Heartbeat(eventName, source, clock.millis()), channel);
    }

    private static SourceQuery sorted(SourceOrder order, boolean descending, int offset, int limit) {
        return new SourceQuery(null, null, null, null, null, order, descending, offset, limit);
    }

    private static List<String> names(SourcePage page) {
        return page.sources().stream().map(v -> v.key().eventName() + "/" + v.key().sourceName()).toList();
    }

    @Test
    void pagesByNameCoverEverySourceOnceInOrder() {
        for (int i = 0; i < 25; i++) beat(i % 2 == 0 ? A : B, String.format("vnf-%02d", i), Channel.HTTP);
        engine.tick();
        List<String> all = new ArrayList<>();
        for (int offset = 0; offset < 25; offset += 10) {
            SourcePage p = engine.query(sorted(SourceOrder.NAME, false, offset, 10));
            assertThat(p.total()).isEqualTo(25);
            all.addAll(names(p));
        }
        assertThat(all).hasSize(25).doesNotHaveDuplicates().isSorted();
        assertThat(names(engine.query(sorted(SourceOrder.NAME, true, 0, 2))))
                .containsExactly("Heartbeat_B/vnf-23", "Heartbeat_B/vnf-21");
    }

    @Test
    void orderByLastSeenDescendingPutsTheMostRecentFirst() {
        beat(A, "old", Channel.HTTP);
        clock.advanceMillis(100);
        beat(A, "mid", Channel.HTTP);
        clock.advanceMillis(100);
        beat(A, "new", Channel.HTTP);
        engine.tick();
        assertThat(names(engine.query(sorted(SourceOrder.LAST_SEEN, true, 0, 10))))
                .containsExactly("Heartbeat_A/new", "Heartbeat_A/mid", "Heartbeat_A/old");
        assertThat(names(engine.query(sorted(SourceOrder.LAST_SEEN, false, 1, 1)))).containsExactly("Heartbeat_A/mid");
    }

    @Test
    void filtersByStateChannelTextAndMonitorAndCountsTheTotalBeforePaging() {
        beat(A, "edge-router-1", Channel.HTTP);
        beat(A, "edge-router-2", Channel.KAFKA);
        beat(B, "core-EDGE-3", Channel.HTTP);
        engine.tick();
        clock.advanceMillis(2000);
        beat(A, "edge-router-2", Channel.KAFKA);
        beat(B, "core-EDGE-3", Channel.HTTP);
        clock.advanceMillis(1500);
        engine.tick(); // edge-router-1 silent 3.5 s > 3 x 1 s
        SourcePage missing = engine.query(new SourceQuery(null, LivenessState.MISSING, null, null, null, SourceOrder.NAME, false, 0, 10));
        assertThat(names(missing)).containsExactly("Heartbeat_A/edge-router-1");
        SourcePage edge = engine.query(new SourceQuery(null, null, null, null, "edge", SourceOrder.NAME, false, 0, 1));
        assertThat(edge.total()).isEqualTo(3);
        assertThat(names(edge)).containsExactly("Heartbeat_A/edge-router-1");
        assertThat(names(engine.query(new SourceQuery(null, null, null, Channel.KAFKA, null, SourceOrder.NONE, false, 0, 10))))
                .containsExactly("Heartbeat_A/edge-router-2");
        assertThat(names(engine.query(new SourceQuery(B, null, false, null, null, SourceOrder.SUSPICION, true, 0, 10))))
                .containsExactly("Heartbeat_B/core-EDGE-3");
        assertThat(engine.query(new SourceQuery(null, null, true, null, null, SourceOrder.NONE, false, 0, 10)).total()).isZero();
    }

    @Test
    void anOffsetPastTheEndGivesAnEmptyPageWithTheTotal() {
        beat(A, "a", Channel.HTTP);
        engine.tick();
        SourcePage p = engine.query(sorted(SourceOrder.STATE, false, 5, 10));
        assertThat(p.total()).isEqualTo(1);
        assertThat(p.sources()).isEmpty();
        assertThat(engine.query(sorted(SourceOrder.NONE, false, 5, 10)).sources()).isEmpty();
    }
}

package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The detection rules, driven by a manual clock: no sleeping, exact to the millisecond. */
class EngineTest {
    private static final String HB = "Heartbeat_vDNS";
    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> events = new ArrayList<>();
    private Engine engine;

    @BeforeEach
    void setUp() {
        engine = new Engine(clock, events::add, -1);
        engine.configure(List.of(monitor(HB, 1000, 3, TimeBase.ARRIVAL)));
    }

    private static Monitor monitor(String name, long intervalMs, int missed, TimeBase tb) {
        return new Monitor(name, Duration.ofMillis(intervalMs), missed, tb, ClosedLoop.NONE);
    }

    private Acceptance beat(String source) {
        return engine.accept(new Heartbeat(HB, source, clock.millis()), Channel.HTTP);
    }

    private void advance(long ms) {
        clock.advanceMillis(ms);
        engine.tick();
    }

    private List<String> kinds() {
        return events.stream().map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }

    @Test
    void firstHeartbeatMakesSourceAlive() {
        assertThat(beat("a")).isEqualTo(Acceptance.ACCEPTED);
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE");
        assertThat(engine.source(new SourceKey(HB, "a")).state()).isEqualTo(LivenessState.ALIVE);
    }

    @Test
    void sourceSilentForExactlyThresholdIsStillAliveAndOneMillisecondLaterRaisesOnsetOnce() {
        beat("a");
        advance(3000);
        assertThat(kinds()).containsExactly("a:ALIVE");
        advance(1);
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
        ChangeEvent onset = events.get(1);
        assertThat(onset.alarmStartMillis()).isEqualTo(clock.millis());
        assertThat(onset.outageId()).isNotBlank();
        advance(60_000);
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
    }

    @Test
    void regularHeartbeatsNeverRaiseOnset() {
        beat("a");
        for (int i = 0; i < 100; i++) {
            advance(999);
            beat("a");
        }
        advance(10);
        assertThat(kinds()).containsExactly("a:ALIVE");
    }

    @Test
    void heartbeatAfterOnsetRaisesAbatedSharingTheOutageIdAndStart() {
        beat("a");
        advance(3001);
        advance(5000);
        beat("a");
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET", "a:ABATED");
        ChangeEvent onset = events.get(1), abated = events.get(2);
        assertThat(abated.outageId()).isEqualTo(onset.outageId());
        assertThat(abated.alarmStartMillis()).isEqualTo(onset.alarmStartMillis());
        assertThat(abated.alarmEndMillis()).isEqualTo(clock.millis());
        // the next outage is a new one
        advance(3001);
        assertThat(events.get(3).kind()).isEqualTo(ChangeEvent.ONSET);
        assertThat(events.get(3).outageId()).isNotEqualTo(onset.outageId());
    }

    @Test
    void outOfOrderHeartbeatNeverMovesLastSeenBackwards() {
        Engine e = new Engine(clock, events::add, -1);
        e.configure(List.of(monitor(HB, 1000, 3, TimeBase.EVENT)));
        long t = clock.millis();
        e.accept(new Heartbeat(HB, "a", t), Channel.HTTP);
        e.accept(new Heartbeat(HB, "a", t - 2500), Channel.HTTP);
        e.tick();
        assertThat(e.source(new SourceKey(HB, "a")).lastSeenMillis()).isEqualTo(t);
    }

    @Test
    void eventTimeBaseTakesLastSeenFromTheEventAndClampsTheFuture() {
        Engine e = new Engine(clock, events::add, -1);
        e.configure(List.of(monitor(HB, 1000, 3, TimeBase.EVENT)));
        long now = clock.millis();
        e.accept(new Heartbeat(HB, "old", now - 2000), Channel.HTTP);
        e.accept(new Heartbeat(HB, "future", now + 3_600_000), Channel.HTTP);
        e.tick();
        assertThat(e.source(new SourceKey(HB, "old")).lastSeenMillis()).isEqualTo(now - 2000);
        assertThat(e.source(new SourceKey(HB, "future")).lastSeenMillis()).isEqualTo(now);
        clock.advanceMillis(1001);
        e.tick();
        assertThat(events).extracting(ev -> ev.source().sourceName() + ":" + ev.kind())
                .containsExactlyInAnyOrder("old:ALIVE", "future:ALIVE", "old:ONSET");
    }

    @Test
    void eventTimeBeforeTheYear2000IsReplacedByTheArrivalTime() {
        // issue 19.8: 0 used to leave the source UNKNOWN for ever, 1 raised its ONSET at once
        Engine e = new Engine(clock, events::add, -1);
        e.configure(List.of(monitor(HB, 1000, 2, TimeBase.EVENT)));
        long now = clock.millis();
        e.accept(new Heartbeat(HB, "zero", 0), Channel.HTTP);
        e.accept(new Heartbeat(HB, "one", 1), Channel.HTTP);
        e.accept(new Heartbeat(HB, "y1999", Heartbeat.EARLIEST_EVENT_TIME_MILLIS - 1), Channel.HTTP);
        e.tick();
        for (String name : List.of("zero", "one", "y1999")) {
            assertThat(e.source(new SourceKey(HB, name)).lastSeenMillis()).as(name).isEqualTo(now);
            assertThat(e.source(new SourceKey(HB, name)).state()).as(name).isEqualTo(LivenessState.ALIVE);
        }
        clock.advanceMillis(2000);
        e.tick();
        assertThat(events).extracting(ev -> ev.kind()).containsOnly(ChangeEvent.ALIVE);
        clock.advanceMillis(1);
        e.tick();
        assertThat(events).filteredOn(ev -> ev.kind().equals(ChangeEvent.ONSET)).hasSize(3);
    }

    @Test
    void newSourcesPastTheAdmissionLimitsAreRefusedWhileKnownSourcesKeepWorking() {
        engine.admitSourcesBy(new io.vigil.ingest.SourceAdmission(new io.vigil.ingest.IngestLimits(255, 3, 2)));
        assertThat(beat("a")).isEqualTo(Acceptance.ACCEPTED);
        assertThat(beat("b")).isEqualTo(Acceptance.ACCEPTED);
        assertThat(beat("c")).as("two new sources per second").isEqualTo(Acceptance.SOURCE_LIMIT);
        assertThat(beat("a")).as("a known source is not limited").isEqualTo(Acceptance.ACCEPTED);
        clock.advanceMillis(500); // one token back
        assertThat(beat("c")).isEqualTo(Acceptance.ACCEPTED);
        clock.advanceMillis(5000);
        assertThat(beat("d")).as("three sources tracked at most").isEqualTo(Acceptance.SOURCE_LIMIT);
        assertThat(beat("b")).isEqualTo(Acceptance.ACCEPTED);
        assertThat(engine.trackedSources()).isEqualTo(3);
        assertThat(engine.source(new SourceKey(HB, "d"))).isNull();
    }

    @Test
    void aHeartbeatHandedLateCountsFromWhenItArrivedNeverFromTheFuture() {
        long now = clock.millis();
        engine.acceptAt(new Heartbeat(HB, "processed-late", 5), Channel.DMAAP, now - 300);
        engine.acceptAt(new Heartbeat(HB, "future", 5), Channel.DMAAP, now + 300);
        engine.tick();
        assertThat(engine.source(new SourceKey(HB, "processed-late")).lastSeenMillis()).isEqualTo(now - 300);
        assertThat(engine.source(new SourceKey(HB, "future")).lastSeenMillis()).isEqualTo(now);
    }

    @Test
    void arrivalTimeBaseIgnoresTheEventTime() {
        engine.accept(new Heartbeat(HB, "a", 5), Channel.HTTP);
        engine.tick();
        assertThat(engine.source(new SourceKey(HB, "a")).lastSeenMillis()).isEqualTo(clock.millis());
    }

    @Test
    void staleHeartbeatOfMissingSourceKeepsItMissing() {
        Engine e = new Engine(clock, events::add, -1);
        e.configure(List.of(monitor(HB, 1000, 3, TimeBase.EVENT)));
        long t0 = clock.millis();
        e.accept(new Heartbeat(HB, "a", t0), Channel.HTTP);
        e.tick();
        clock.advanceMillis(10_000);
        e.tick();
        e.accept(new Heartbeat(HB, "a", t0 + 1000), Channel.HTTP); // delayed old heartbeat
        e.tick();
        assertThat(events).extracting(ev -> ev.kind().name()).containsExactly("ALIVE", "ONSET");
        e.accept(new Heartbeat(HB, "a", clock.millis()), Channel.HTTP);
        e.tick();
        assertThat(events).extracting(ev -> ev.kind().name()).containsExactly("ALIVE", "ONSET", "ABATED");
    }

    @Test
    void unknownEventNameIsCountedAndDropped() {
        assertThat(engine.accept(new Heartbeat("nope", "a", clock.millis()), Channel.HTTP))
                .isEqualTo(Acceptance.UNKNOWN_EVENT_NAME);
        engine.tick();
        assertThat(events).isEmpty();
        assertThat(engine.unknownEventNameCount()).isEqualTo(1);
    }

    @Test
    void shorterThresholdAppliesAtOnceOnReconfiguration() {
        beat("a");
        advance(1500);
        engine.configure(List.of(monitor(HB, 500, 2, TimeBase.ARRIVAL)));
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
    }

    @Test
    void longerThresholdAppliesAtOnceOnReconfiguration() {
        beat("a");
        advance(2000);
        engine.configure(List.of(monitor(HB, 1000, 10, TimeBase.ARRIVAL)));
        advance(2000);
        assertThat(kinds()).containsExactly("a:ALIVE");
        advance(6001);
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
    }

    @Test
    void newEventNameStartsBeingMonitoredAndRemovedOneClosesItsOpenAlarms() {
        beat("a");
        advance(3001);
        Set<String> removed = engine.configure(List.of(monitor("Heartbeat_vFW", 1000, 1, TimeBase.ARRIVAL)));
        assertThat(removed).containsExactly(HB);
        assertThat(beat("b")).isEqualTo(Acceptance.UNKNOWN_EVENT_NAME);
        assertThat(engine.accept(new Heartbeat("Heartbeat_vFW", "x", clock.millis()), Channel.HTTP))
                .isEqualTo(Acceptance.ACCEPTED);
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET", "a:ABATED", "x:ALIVE");
        assertThat(events.get(2).reason()).isEqualTo("monitor removed");
        assertThat(events.get(2).outageId()).isEqualTo(events.get(1).outageId());
        assertThat(engine.sources(HB, null, 10)).isEmpty();
    }

    @Test
    void restoredAliveSourcesGetGraceButOneThatDiedWhileDownStillGetsItsOnset() {
        long now = clock.millis();
        engine.restore(List.of(
                new SourceSnapshot(new SourceKey(HB, "dead"), LivenessState.ALIVE, now - 60_000, null, 0),
                new SourceSnapshot(new SourceKey(HB, "live"), LivenessState.ALIVE, now - 60_000, null, 0)));
        engine.tick();
        advance(999); // grace = one interval
        beat("live");
        assertThat(events).isEmpty();
        advance(2);
        assertThat(kinds()).containsExactly("dead:ONSET");
        advance(10_000);
        assertThat(kinds()).containsExactly("dead:ONSET", "live:ONSET");
    }

    @Test
    void restoredMissingSourceGetsNoSecondOnsetAndItsAbatedCarriesTheStoredOutage() {
        long now = clock.millis();
        engine.restore(List.of(new SourceSnapshot(new SourceKey(HB, "a"), LivenessState.MISSING, now - 60_000,
                "outage-1", now - 50_000)));
        advance(100_000);
        assertThat(events).isEmpty();
        beat("a");
        engine.tick();
        assertThat(kinds()).containsExactly("a:ABATED");
        assertThat(events.getFirst().outageId()).isEqualTo("outage-1");
        assertThat(events.getFirst().alarmStartMillis()).isEqualTo(now - 50_000);
    }

    @Test
    void drainDirtyReturnsOnlySourcesWhoseLastSeenMoved() {
        beat("a");
        beat("b");
        engine.tick();
        List<SourceSnapshot> first = new ArrayList<>();
        engine.drainDirty(first::add);
        assertThat(first).hasSize(2);
        List<SourceSnapshot> second = new ArrayList<>();
        engine.drainDirty(second::add);
        assertThat(second).isEmpty();
        advance(10);
        beat("b");
        engine.drainDirty(second::add);
        assertThat(second).extracting(s -> s.key().sourceName()).containsExactly("b");
    }

    @Test
    void checkpointWritesANewSourceAtOnceAndALiveOneOnlyAfterItsLastSeenMovedHalfAThreshold() {
        engine.trackCheckpoints();
        beat("a");
        engine.tick();
        List<SourceSnapshot> written = new ArrayList<>();
        assertThat(engine.drainCheckpoint(written::add)).isEqualTo(1); // new: written with its first heartbeat
        assertThat(written.getFirst().lastSeenMillis()).isEqualTo(clock.millis());
        long firstWrite = clock.millis();
        // threshold 3 x 1000 ms: beats that move lastSeen by less than 1500 ms are not written again
        for (int i = 0; i < 3; i++) {
            advance(499);
            beat("a");
            assertThat(engine.drainCheckpoint(written::add)).isZero();
        }
        advance(3); // 1500 ms after the last write
        beat("a");
        assertThat(engine.drainCheckpoint(written::add)).isEqualTo(1);
        assertThat(written.getLast().lastSeenMillis()).isEqualTo(firstWrite + 1500);
        assertThat(engine.drainCheckpoint(written::add)).isZero();
        // a clean stop writes the exact lastSeen of every source that moved at all
        advance(10);
        beat("a");
        assertThat(engine.drainCheckpoint(written::add)).isZero();
        assertThat(engine.drainDirty(written::add)).isEqualTo(1);
        assertThat(written.getLast().lastSeenMillis()).isEqualTo(clock.millis());
    }

    @Test
    void aSourceWhoseChangeEventWroteItsLastSeenIsLeftOutOfTheCheckpointUntilItMovesAgain() {
        engine.trackCheckpoints();
        beat("a");
        beat("b");
        engine.tick();
        ChangeEvent firstSeenOfA = events.stream().filter(e -> e.source().sourceName().equals("a")).findFirst().orElseThrow();
        engine.written(firstSeenOfA.source(), firstSeenOfA.lastSeenMillis()); // committed by the journal
        List<SourceSnapshot> written = new ArrayList<>();
        assertThat(engine.drainCheckpoint(written::add)).isEqualTo(1);
        assertThat(written).extracting(s -> s.key().sourceName()).containsExactly("b");
        // an older lastSeen reported later never moves what the store is known to hold back
        engine.written(firstSeenOfA.source(), firstSeenOfA.lastSeenMillis() - 1);
        advance(1500);
        beat("a");
        assertThat(engine.drainCheckpoint(written::add)).isEqualTo(1);
        assertThat(written.getLast().key().sourceName()).isEqualTo("a");
        assertThat(written.getLast().lastSeenMillis()).isEqualTo(clock.millis());
    }

    @Test
    void checkpointCostFollowsWhatChangedNotTheNumberOfSources() {
        engine.trackCheckpoints();
        for (int i = 0; i < 10_000; i++) beat("s" + i);
        engine.tick();
        assertThat(engine.drainCheckpoint(s -> { })).isEqualTo(10_000);
        advance(2000);
        beat("s7");
        beat("s8");
        List<SourceSnapshot> written = new ArrayList<>();
        assertThat(engine.drainCheckpoint(written::add)).isEqualTo(2);
        assertThat(written).extracting(s -> s.key().sourceName()).containsExactlyInAnyOrder("s7", "s8");
    }

    @Test
    void withoutCheckpointTrackingNothingIsQueued() {
        beat("a");
        engine.tick();
        assertThat(engine.drainCheckpoint(s -> { })).isZero();
        assertThat(engine.drainDirty(s -> { })).isEqualTo(1);
    }

    @Test
    void aLargeTickHandsItsEventsOverInListsInDecisionOrder() {
        List<Integer> listSizes = new ArrayList<>();
        List<ChangeEvent> got = new ArrayList<>();
        engine = new Engine(clock, new EngineListener() {
            @Override
            public void onChange(ChangeEvent event) {
                throw new AssertionError("the engine hands over lists");
            }

            @Override
            public void onChanges(List<ChangeEvent> list) {
                listSizes.add(list.size());
                got.addAll(list);
            }
        }, -1);
        engine.configure(List.of(monitor(HB, 1000, 3, TimeBase.ARRIVAL)));
        for (int i = 0; i < 5000; i++) beat("s" + i);
        engine.tick();
        got.clear();
        listSizes.clear();
        advance(3001); // all 5000 deadlines in one tick
        assertThat(got).hasSize(5000).allMatch(e -> e.kind() == ChangeKind.ONSET);
        assertThat(listSizes).hasSizeGreaterThan(1).allMatch(n -> n <= 1024);
        int lists = listSizes.size();
        advance(1);
        assertThat(listSizes).hasSize(lists); // an idle tick hands nothing over
    }

    @Test
    void manySourcesEachGetExactlyOneOnsetWhenAllGoSilent() {
        for (int i = 0; i < 10_000; i++) beat("s" + i);
        engine.tick();
        events.clear();
        for (int i = 0; i < 100; i++) advance(100);
        assertThat(events).hasSize(10_000).allMatch(e -> e.kind() == ChangeKind.ONSET);
        assertThat(events).extracting(e -> e.source().sourceName()).doesNotHaveDuplicates();
    }

    @Test
    void eventAndOutageIdsAreDistinctVersion4Uuids() {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Engine.randomId();
            java.util.UUID u = java.util.UUID.fromString(id);
            assertThat(u.version()).isEqualTo(4);
            assertThat(u.variant()).isEqualTo(2);
            ids.add(id);
        }
        assertThat(ids).hasSize(10_000);
    }

    @Test
    void eventIdsAreDistinctVersion7UuidsThatSortByDecisionTimeAndOrder() {
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int ms = 0; ms < 3; ms++) {
            for (int i = 0; i < 100_000; i++) ids.add(Engine.eventId(1_800_000_000_000L + ms)); // a storm in each ms
        }
        for (String id : ids.subList(0, 1_000)) {
            java.util.UUID u = java.util.UUID.fromString(id);
            assertThat(u.version()).isEqualTo(7);
            assertThat(u.variant()).isEqualTo(2);
            assertThat(u.getMostSignificantBits() >>> 16).isEqualTo(1_800_000_000_000L);
        }
        assertThat(ids).doesNotHaveDuplicates();
        // as strings (how the outbox indexes them): each later id sorts after the one before, except where the
        // per-process sequence wraps (at most once in 300k ids, as it wraps every 1M)
        int descents = 0;
        for (int i = 1; i < ids.size(); i++) if (ids.get(i).compareTo(ids.get(i - 1)) <= 0) descents++;
        assertThat(descents).isLessThanOrEqualTo(1);
    }
}

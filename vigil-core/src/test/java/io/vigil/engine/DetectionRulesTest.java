package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.dependency.Dependency;
import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.detect.FlapRule;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Detection beyond ONAP's rule, with a manual clock: phi-accrual in the engine, expected sources, recovery
 * hysteresis, flapping, silences and dependencies. "published" is what reaches sinks; every event is recorded.
 */
class DetectionRulesTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final String SITE = "Heartbeat_site";
    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Engine engine = new Engine(clock, events::add, -1);

    private static Monitor monitor(String name, DetectionRules rules) {
        return new Monitor(name, Duration.ofMillis(1000), 3, TimeBase.ARRIVAL, ClosedLoop.NONE, rules);
    }

    private static DetectionRules rules(DetectorSpec d, List<String> expected, int recovery, FlapRule flap) {
        return new DetectionRules(d, expected, recovery, flap);
    }

    private void beat(String event, String source) {
        engine.accept(new Heartbeat(event, source, clock.millis()), Channel.HTTP);
    }

    private void beat(String source) {
        beat(HB, source);
    }

    private void advance(long ms) {
        for (long left = ms; left > 0; left -= Math.min(left, 10)) {
            clock.advanceMillis(Math.min(left, 10));
            engine.tick();
        }
        engine.tick();
    }

    /** Beats {@code source} every second for {@code seconds}. */
    private void beatFor(String source, int seconds) {
        for (int i = 0; i < seconds; i++) {
            beat(source);
            advance(1000);
        }
    }

    private List<String> published() {
        return events.stream().filter(ChangeEvent::isPublished).map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }

    private List<String> recorded() {
        return events.stream().filter(e -> e.kind() != ChangeKind.ALIVE)
                .map(e -> e.source().sourceName() + ":" + e.kind() + (e.isPublished() ? "" : "(held)")).toList();
    }

    private long silenceOf(String source) {
        return clock.millis() - engine.source(new SourceKey(HB, source)).lastSeenMillis();
    }

    // ------------------------------------------------------------------ phi-accrual in the engine

    @Test
    void phiAccrualDetectsARegularSourceWellBeforeThreeIntervals() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.PhiAccrual.defaults(), List.of(), 1, null))));
        beatFor("a", 60);
        beat("a");
        engine.tick();
        advance(1400);
        assertThat(published()).isEmpty();
        while (published().isEmpty()) advance(1);
        assertThat(silenceOf("a")).isBetween(1550L, 1600L); // 1000 + 5.61 × minStdDev 100
        assertThat(events.getLast().reason()).contains("learnt limit");
    }

    @Test
    void phiAccrualNeverWaitsLongerThanIntervalTimesMissed() {
        var lenient = new DetectorSpec.PhiAccrual(8, 1000, Duration.ofMillis(100), Duration.ofSeconds(30));
        engine.configure(List.of(monitor(HB, rules(lenient, List.of(), 1, null))));
        beatFor("a", 10);
        beat("a");
        advance(3000);
        assertThat(published()).isEmpty();
        advance(1);
        assertThat(published()).containsExactly("a:ONSET");
    }

    @Test
    void phiAccrualSourceViewReportsPhi() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.PhiAccrual.defaults(), List.of(), 1, null))));
        beatFor("a", 30);
        beat("a");
        advance(1000);
        SourceView v = engine.source(new SourceKey(HB, "a"));
        assertThat(v.suspicion()).isBetween(0.1, 1.0);
        assertThat(v.deadlineMillis() - v.lastSeenMillis()).isBetween(1500L, 1600L);
    }

    // ------------------------------------------------------------------ expected sources

    @Test
    void expectedSourceThatNeverShowsUpRaisesOnsetAfterOneThreshold() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of("x", "y"), 1, null))));
        engine.tick();
        assertThat(engine.source(new SourceKey(HB, "x")).state()).isEqualTo(LivenessState.UNKNOWN);
        advance(1000);
        beat("y");
        advance(1990);
        assertThat(published()).isEmpty();
        advance(20);
        assertThat(published()).containsExactly("x:ONSET");
        assertThat(events.getLast().reason()).contains("never heard");
        beat("x");
        engine.tick();
        assertThat(published()).containsExactly("x:ONSET", "x:ABATED");
    }

    @Test
    void sourceAddedToExpectedSourcesGetsAFullThresholdFromThen() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        advance(10_000);
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of("late"), 1, null))));
        engine.tick();
        advance(2990);
        assertThat(published()).isEmpty();
        advance(20);
        assertThat(published()).containsExactly("late:ONSET");
        // no longer expected and never heard: its alarm is closed and it is forgotten
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        engine.tick();
        assertThat(published()).containsExactly("late:ONSET", "late:ABATED");
        assertThat(engine.sources(HB, null, 10)).isEmpty();
    }

    // ------------------------------------------------------------------ recovery hysteresis

    @Test
    void missingSourceIsAbatedOnlyAfterRecoveryHeartbeatsInARow() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of(), 3, null))));
        beat("a");
        advance(3010);
        assertThat(published()).containsExactly("a:ONSET");
        beat("a");
        advance(1000);
        beat("a");
        advance(10);
        assertThat(published()).containsExactly("a:ONSET");
        advance(5000); // the run is broken: start again
        beat("a");
        advance(1000);
        beat("a");
        advance(1000);
        assertThat(published()).containsExactly("a:ONSET");
        beat("a");
        engine.tick();
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED");
    }

    // ------------------------------------------------------------------ flapping

    private void flapOnce(String source) {
        advance(3010); // ONSET
        beat(source);
        advance(10); // ABATED
    }

    @Test
    void flappingSourceHoldsNotificationsAndPublishesTheSettledStateWhenStable() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of(), 1,
                new FlapRule(4, Duration.ofSeconds(30))))));
        beat("a");
        engine.tick();
        flapOnce("a");
        flapOnce("a"); // 4th change: flapping starts
        assertThat(recorded()).containsExactly("a:ONSET", "a:ABATED", "a:ONSET", "a:ABATED", "a:FLAPPING_START(held)");
        assertThat(engine.source(new SourceKey(HB, "a")).flapping()).isTrue();
        flapOnce("a");
        advance(3010); // goes missing and stays missing
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED", "a:ONSET", "a:ABATED");
        assertThat(recorded()).endsWith("a:ONSET(held)", "a:ABATED(held)", "a:ONSET(held)");
        advance(29_000);
        assertThat(engine.source(new SourceKey(HB, "a")).flapping()).isTrue();
        advance(1_100); // 30 s without a change
        assertThat(recorded()).endsWith("a:FLAPPING_END(held)", "a:ONSET");
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED", "a:ONSET", "a:ABATED", "a:ONSET");
        ChangeEvent late = events.getLast();
        assertThat(late.outageId()).isEqualTo(events.get(events.size() - 3).outageId());
    }

    @Test
    void flappingThatEndsAliveAddsNoNotification() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of(), 1,
                new FlapRule(3, Duration.ofSeconds(20))))));
        beat("a");
        engine.tick();
        flapOnce("a");
        advance(3010); // 3rd change, an ONSET: held, since it starts flapping
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED");
        beat("a");
        beatFor("a", 25);
        assertThat(recorded()).endsWith("a:FLAPPING_START(held)", "a:ABATED(held)", "a:FLAPPING_END(held)");
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED");
        assertThat(engine.source(new SourceKey(HB, "a")).flapping()).isFalse();
    }

    @Test
    void sourcesCanBeListedByWhetherTheyAreFlapping() {
        engine.configure(List.of(monitor(HB, rules(DetectorSpec.MISSED_COUNT, List.of(), 1,
                new FlapRule(2, Duration.ofSeconds(30))))));
        beat("a");
        beat("b");
        engine.tick();
        flapOnce("a"); // a: ONSET and ABATED, 2 changes: flapping; b: one ONSET, not flapping
        assertThat(engine.sources(HB, null, true, 10)).extracting(v -> v.key().sourceName()).containsExactly("a");
        assertThat(engine.sources(null, null, false, 10)).extracting(v -> v.key().sourceName()).containsExactly("b");
        assertThat(engine.sources(HB, LivenessState.ALIVE, true, 10)).extracting(v -> v.key().sourceName()).containsExactly("a");
        assertThat(engine.sources(HB, LivenessState.MISSING, true, 10)).isEmpty();
        assertThat(engine.sources(HB, null, null, 10)).hasSize(2);
        // the limit counts matching sources only, whatever order the map keeps
        assertThat(engine.sources(HB, null, false, 1)).extracting(v -> v.key().sourceName()).containsExactly("b");
        assertThat(engine.sources(HB, null, true, 1)).extracting(v -> v.key().sourceName()).containsExactly("a");
    }

    // ------------------------------------------------------------------ silences

    private Silence silence(String event, String source, long from, long to) {
        return new Silence("s1", new SourceMatcher(event, source), new SilenceWindow.Once(from, to), "maintenance", "api");
    }

    @Test
    void onsetInsideSilenceIsRecordedAndPublishedWhenTheSilenceEndsIfStillMissing() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        long t0 = clock.millis();
        engine.setSilences(List.of(silence(HB, null, t0, t0 + 10_000)));
        beat("a");
        beat("b");
        advance(3010);
        assertThat(recorded()).containsExactlyInAnyOrder("a:ONSET(held)", "b:ONSET(held)");
        assertThat(engine.source(new SourceKey(HB, "a")).onsetHeld()).contains("silence s1");
        beat("b"); // b comes back inside the silence: its ABATED is not published either
        for (int i = 0; i < 6; i++) {
            advance(1000);
            beat("b");
        }
        advance(980);
        assertThat(published()).isEmpty();
        assertThat(recorded()).containsExactlyInAnyOrder("a:ONSET(held)", "b:ONSET(held)", "b:ABATED(held)");
        advance(20); // the silence ends at t0 + 10 s
        assertThat(published()).containsExactly("a:ONSET");
        assertThat(events.getLast().atMillis()).isEqualTo(t0 + 10_000);
        assertThat(events.getLast().reason()).contains("released");
    }

    @Test
    void abatedForAPublishedOnsetIsDeliveredEvenInsideASilence() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        beat("a");
        advance(3010);
        assertThat(published()).containsExactly("a:ONSET");
        long now = clock.millis();
        engine.setSilences(List.of(silence(null, null, now, now + 60_000)));
        advance(100);
        beat("a");
        engine.tick();
        assertThat(published()).containsExactly("a:ONSET", "a:ABATED");
    }

    @Test
    void wildcardMatchersSilenceOnlyMatchingSources() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        long now = clock.millis();
        engine.setSilences(List.of(silence("Heartbeat_*", "vdns-*", now, now + 60_000)));
        beat("vdns-1");
        beat("vfw-1");
        advance(3010);
        assertThat(published()).containsExactly("vfw-1:ONSET");
        assertThat(recorded()).contains("vdns-1:ONSET(held)");
        engine.setSilences(List.of(silence("*", null, now, now + 60_000)));
        beat("x");
        advance(3010);
        assertThat(recorded()).contains("x:ONSET(held)");
    }

    @Test
    void silenceBoundariesAreHalfOpen() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        long t0 = clock.millis();
        // a's ONSET falls exactly on the silence start (held), b's exactly on its end (published)
        engine.setSilences(List.of(silence(HB, "a", t0 + 3001, t0 + 4001), silence(HB, "b", t0, t0 + 4001)));
        beat("a");
        advance(1000);
        beat("b");
        clock.set(t0 + 3001);
        engine.tick();
        assertThat(recorded()).containsExactly("a:ONSET(held)");
        clock.set(t0 + 4001);
        engine.tick();
        assertThat(published()).containsExactly("a:ONSET", "b:ONSET");
    }

    @Test
    void deletingASilenceReleasesTheOnsetsItHeld() {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        long now = clock.millis();
        engine.setSilences(List.of(silence(HB, "a", now, now + 3_600_000)));
        beat("a");
        advance(3010);
        assertThat(published()).isEmpty();
        engine.setSilences(List.of());
        engine.tick();
        assertThat(published()).containsExactly("a:ONSET");
    }

    @Test
    void weeklySilenceHoldsDuringItsWindowOnly() {
        // 2025-11-27 is a Thursday; a daily window 00:00–00:10 UTC is active at the clock's start
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT)));
        engine.setSilences(List.of(new Silence("w", SourceMatcher.ANY, new SilenceWindow.Weekly(null,
                java.time.LocalTime.MIDNIGHT, Duration.ofMinutes(10), java.time.ZoneOffset.UTC), null, "config")));
        beat("a");
        advance(3010);
        assertThat(recorded()).containsExactly("a:ONSET(held)");
        advance(Duration.ofMinutes(10).toMillis());
        assertThat(published()).containsExactly("a:ONSET");
    }

    // ------------------------------------------------------------------ dependencies

    private void siteAndChildren(int children) {
        engine.configure(List.of(monitor(HB, DetectionRules.DEFAULT), monitor(SITE, DetectionRules.DEFAULT)));
        engine.setDependencies(List.of(new Dependency("d1", new SourceMatcher(HB, "vnf-*"), new SourceKey(SITE, "site-a"), "api")));
        for (int i = 0; i < children; i++) beat("vnf-" + i);
        advance(200); // the children's last heartbeats come a little before the site's
        beat(SITE, "site-a");
        engine.tick();
    }

    @Test
    void deadParentRaisesOneAlarmNotAThousand() {
        siteAndChildren(1000);
        advance(3500);
        assertThat(published()).containsExactly("site-a:ONSET");
        assertThat(events.stream().filter(e -> e.kind() == ChangeKind.ONSET && !e.isPublished())).hasSize(1000);
        assertThat(engine.heldNow()).isEqualTo(1000);
        // the site comes back, and with it all children but one within a threshold
        beat(SITE, "site-a");
        advance(500);
        for (int i = 1; i < 1000; i++) beat("vnf-" + i);
        advance(10);
        assertThat(published()).containsExactly("site-a:ONSET", "site-a:ABATED");
        for (int i = 0; i < 3; i++) {
            beat(SITE, "site-a");
            for (int c = 1; c < 1000; c++) beat("vnf-" + c);
            advance(1000);
        }
        assertThat(published()).containsExactly("site-a:ONSET", "site-a:ABATED", "vnf-0:ONSET");
    }

    @Test
    void heldChildNamesItsParentUntilItsOnsetIsPublished() {
        SourceKey site = new SourceKey(SITE, "site-a");
        SourceKey vnf0 = new SourceKey(HB, "vnf-0");
        siteAndChildren(2);
        advance(3500);
        assertThat(engine.source(vnf0).state()).isEqualTo(LivenessState.MISSING);
        assertThat(engine.source(vnf0).heldBy()).isEqualTo(site);
        assertThat(engine.source(site).heldBy()).isNull();
        ChangeEvent heldOnset = events.stream().filter(e -> e.source().equals(vnf0) && e.kind() == ChangeKind.ONSET).findFirst().orElseThrow();
        assertThat(heldOnset.isPublished()).isFalse();
        assertThat(DependencyHold.parentIn(heldOnset.reason())).isEqualTo("Heartbeat_site/site-a");

        // the site comes back with vnf-1; vnf-0 stays silent and gets one threshold, still held by the site
        beat(SITE, "site-a");
        beat("vnf-1");
        advance(10);
        assertThat(engine.source(vnf0).heldBy()).isEqualTo(site);
        assertThat(engine.source(vnf0).onsetHeld()).contains("recovered");
        assertThat(engine.source(new SourceKey(HB, "vnf-1")).heldBy()).isNull();
        ChangeEvent heldAbated = events.stream().filter(e -> e.source().sourceName().equals("vnf-1") && e.kind() == ChangeKind.ABATED)
                .findFirst().orElseThrow();
        assertThat(DependencyHold.parentIn(heldAbated.reason())).isEqualTo("Heartbeat_site/site-a");

        for (int i = 0; i < 4; i++) {
            beat(SITE, "site-a");
            beat("vnf-1");
            advance(1000);
        }
        assertThat(published()).containsExactly("site-a:ONSET", "site-a:ABATED", "vnf-0:ONSET");
        SourceView released = engine.source(vnf0);
        assertThat(released.state()).isEqualTo(LivenessState.MISSING);
        assertThat(released.heldBy()).isNull();
        assertThat(released.onsetHeld()).isNull();
    }

    @Test
    void childOfAnOverdueParentNamesThatParentWhileItWaitsForItsVerdict() {
        siteAndChildren(1);
        advance(2850); // vnf-0 decided missing 50 ms ago; the site is overdue, its verdict 150 ms away
        assertThat(published()).isEmpty();
        assertThat(engine.source(new SourceKey(HB, "vnf-0")).onsetHeld()).contains("overdue");
        assertThat(engine.source(new SourceKey(HB, "vnf-0")).heldBy()).isEqualTo(new SourceKey(SITE, "site-a"));
    }

    @Test
    void childThatDiesBeforeItsParentKeepsItsPublishedOnsetAndAbated() {
        siteAndChildren(1);
        beat(SITE, "site-a");
        advance(2900);
        beat(SITE, "site-a");
        advance(200); // vnf-0 silent 3100 ms, the site is fine
        assertThat(published()).containsExactly("vnf-0:ONSET");
        advance(3000); // now the site dies too
        assertThat(published()).containsExactly("vnf-0:ONSET", "site-a:ONSET");
        beat(SITE, "site-a");
        beat("vnf-0");
        engine.tick();
        assertThat(published()).containsExactly("vnf-0:ONSET", "site-a:ONSET", "site-a:ABATED", "vnf-0:ABATED");
    }

    @Test
    void childOfAParentThatIsMerelyLateIsPublishedOnceTheParentProvesAlive() {
        siteAndChildren(1);
        advance(2000);
        beat(SITE, "site-a"); // late, but inside its threshold
        advance(1100); // vnf-0 decided missing while the site was overdue: held until the site's verdict
        assertThat(published()).containsExactly("vnf-0:ONSET");
    }
}

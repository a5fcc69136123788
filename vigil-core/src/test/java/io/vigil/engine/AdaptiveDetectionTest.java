package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adaptive detector inside the engine, on a manual clock: a fleet of 64 sources beating every second. */
class AdaptiveDetectionTest {
    private static final String HB = "Heartbeat_vDNS";
    private static final int FLEET = 64;
    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Engine engine = new Engine(clock, events::add, -1);

    private void configure(TimeBase timeBase) {
        configure(timeBase, 3);
    }

    private void configure(TimeBase timeBase, int missed) {
        engine.configure(List.of(new Monitor(HB, Duration.ofSeconds(1), missed, timeBase, ClosedLoop.NONE,
                new DetectionRules(DetectorSpec.ADAPTIVE, List.of(), 1, null))));
        engine.tick();
    }

    private void advance(long ms) {
        for (long left = ms; left > 0; left -= Math.min(left, 20)) {
            clock.advanceMillis(Math.min(left, 20));
            engine.tick();
        }
    }

    /** Every source of the fleet but {@code silent} beats once a second, its time {@code behind} ms behind. */
    private void rounds(int n, int silent, long behind) {
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < FLEET; i++) {
                if (i != silent) engine.accept(new Heartbeat(HB, "vnf-" + i, clock.millis() - behind), Channel.HTTP);
            }
            advance(1000);
        }
    }

    private long onsetSilence(String source) {
        ChangeEvent onset = events.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET))
                .filter(e -> e.source().sourceName().equals(source)).findFirst().orElseThrow();
        return onset.atMillis() - onset.lastSeenMillis();
    }

    private List<String> onsets() {
        return events.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET)).map(e -> e.source().sourceName()).toList();
    }

    @Test
    void aNewFleetIsDetectedByOnapsRule() {
        configure(TimeBase.ARRIVAL);
        rounds(10, -1, 0);
        rounds(5, 7, 0);
        assertThat(onsets()).containsExactly("vnf-7");
        assertThat(onsetSilence("vnf-7")).isBetween(3001L, 3020L);
    }

    @Test
    void aRegularFleetIsDetectedWithinAboutOneIntervalOnceProven() {
        configure(TimeBase.ARRIVAL);
        rounds(140, -1, 0); // 8,960 heartbeats: more than the fleet needs to replace ONAP's prior
        rounds(4, 7, 0);
        assertThat(onsets()).containsExactly("vnf-7");
        assertThat(onsetSilence("vnf-7")).isBetween(1001L, 1100L);
    }

    @Test
    void senderClocksBehindAreLearntWithEventTime() {
        configure(TimeBase.EVENT);
        rounds(140, -1, 1500); // every heartbeat carries a time 1.5 s old
        assertThat(onsets()).isEmpty();
        rounds(4, 7, 1500);
        assertThat(onsets()).containsExactly("vnf-7");
        // silence by event time: 1.5 s of clock offset plus about one interval and the margin, before ONAP's 3 s
        assertThat(onsetSilence("vnf-7")).isBetween(2501L, 2800L);
    }

    @Test
    void sendersSlowerThanConfiguredCountAsPeriodDrift() {
        configure(TimeBase.ARRIVAL);
        rounds(5, -1, 0);
        for (int r = 0; r < 5; r++) { // vnf-0 now beats every 5 s
            engine.accept(new Heartbeat(HB, "vnf-0", clock.millis()), Channel.HTTP);
            advance(5000);
        }
        assertThat(engine.periodDriftSources()).isEqualTo(1);
    }

    @Test
    void aFalseAlarmIsLearntSoTheSameGapIsToleratedAfterwards() {
        configure(TimeBase.ARRIVAL);
        rounds(140, -1, 0);
        // vnf-7 skips two heartbeats: ONSET (a false alarm), then it beats again
        rounds(2, 7, 0);
        assertThat(onsets()).containsExactly("vnf-7");
        rounds(3, -1, 0);
        rounds(2, 7, 0); // the same two skipped: now tolerated (the source lost two in a row before)
        assertThat(onsets()).containsExactly("vnf-7");
    }

    @Test
    void aReloadThatChangesTheMonitorStartsAgainFromOnapsRule() {
        configure(TimeBase.ARRIVAL);
        rounds(140, -1, 0);
        configure(TimeBase.ARRIVAL, 4);
        rounds(6, 7, 0);
        assertThat(onsets()).containsExactly("vnf-7");
        assertThat(onsetSilence("vnf-7")).isBetween(4001L, 4020L);
    }
}

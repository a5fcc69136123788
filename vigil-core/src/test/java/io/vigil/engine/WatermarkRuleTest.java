package io.vigil.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
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

/**
 * "Only page on evidence": a deadline fires only once the watermark of the source's channel has passed it, and blind
 * time (watermark steps longer than blindAfter, detector pauses) does not count as silence. Manual clock throughout.
 */
class WatermarkRuleTest {
    private static final String HB = "Heartbeat_vDNS";
    /** interval 1 s x 2 missed: the plain deadline is lastSeen + 2001. */
    private static final long LIMIT = 2000;
    private final ManualClock clock = new ManualClock();
    private final List<ChangeEvent> events = new ArrayList<>();
    private final Watermarks watermarks = new Watermarks(clock);
    private Watermark http;
    private Engine engine;

    @BeforeEach
    void setUp() {
        http = watermarks.register(Channel.HTTP, "http", Duration.ofMillis(500));
        engine = new Engine(clock, events::add, -1, watermarks);
        engine.configure(List.of(new Monitor(HB, Duration.ofMillis(1000), 2, TimeBase.ARRIVAL, ClosedLoop.NONE)));
        engine.tick();
    }

    private void beat(String source, Channel channel) {
        engine.accept(new Heartbeat(HB, source, clock.millis()), channel);
    }

    /** Moves the clock; the HTTP event loops keep proving they hear (watermark = now). */
    private void hearing(long ms) {
        for (long i = 0; i < ms; i += 10) {
            clock.advanceMillis(Math.min(10, ms - i));
            http.advanceTo(clock.millis());
            engine.tick();
        }
    }

    /** Moves the clock while the watermark stays where it is. */
    private void deaf(long ms) {
        for (long i = 0; i < ms; i += 10) {
            clock.advanceMillis(Math.min(10, ms - i));
            engine.tick();
        }
    }

    private List<String> kinds() {
        return events.stream().map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }

    private ChangeEvent onsetOf(String source) {
        return events.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET) && e.source().sourceName().equals(source))
                .findFirst().orElseThrow();
    }

    @Test
    void deadlineFiresOnlyWhenTheWatermarkHasReachedIt() {
        beat("a", Channel.HTTP);
        long deadline = clock.millis() + LIMIT + 1;
        hearing(LIMIT); // watermark = deadline - 1
        deaf(300);      // the clock is past the deadline, the watermark is not
        assertThat(kinds()).containsExactly("a:ALIVE");
        assertThat(engine.blindHeld(Channel.HTTP)).isEqualTo(1);

        http.advanceTo(deadline - 1);
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE");
        http.advanceTo(deadline);
        engine.tick();
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
        assertThat(engine.blindHeld(Channel.HTTP)).isZero();
    }

    @Test
    void withAWatermarkKeepingUpTheOnsetIsDecidedAtTheDeadline() {
        beat("a", Channel.HTTP);
        long deadline = clock.millis() + LIMIT + 1;
        hearing(LIMIT);
        assertThat(kinds()).containsExactly("a:ALIVE");
        hearing(10);
        assertThat(kinds()).containsExactly("a:ALIVE", "a:ONSET");
        assertThat(onsetOf("a").atMillis()).isLessThanOrEqualTo(deadline + 10);
    }

    @Test
    void stalledWatermarkHoldsEverySourceOfItsChannelWithNoOnset() {
        for (int i = 0; i < 10; i++) beat("s" + i, Channel.HTTP);
        hearing(500);
        deaf(60_000);
        assertThat(kinds()).noneMatch(k -> k.endsWith(":ONSET"));
        assertThat(engine.blindHeld(Channel.HTTP)).isEqualTo(10);
    }

    @Test
    void stallOfOneChannelDoesNotHoldAnother() {
        Watermark kafka = watermarks.register(Channel.KAFKA, "kafka:g", Duration.ofSeconds(5));
        beat("h", Channel.HTTP);
        beat("k", Channel.KAFKA);
        long start = clock.millis();
        hearing(LIMIT + 20); // HTTP hears, Kafka does not
        assertThat(kinds()).containsExactly("h:ALIVE", "k:ALIVE", "h:ONSET");
        assertThat(engine.blindHeld(Channel.KAFKA)).isEqualTo(1);
        kafka.advanceTo(start + LIMIT + 1);
        engine.tick();
        assertThat(kinds()).containsExactly("h:ALIVE", "k:ALIVE", "h:ONSET", "k:ONSET");
    }

    @Test
    void heartbeatsDrainedAtRecoveryKeepLiveSourcesAliveWithNoOnset() {
        for (int i = 0; i < 10; i++) beat("s" + i, Channel.HTTP);
        hearing(250);
        deaf(5000); // stopped: the heartbeats wait in the sockets
        for (int i = 0; i < 10; i++) beat("s" + i, Channel.HTTP); // drained on resume
        for (int round = 0; round < 40; round++) {
            hearing(250);
            for (int i = 0; i < 10; i++) beat("s" + i, Channel.HTTP);
        }
        assertThat(kinds()).noneMatch(k -> k.endsWith(":ONSET"));
        assertThat(engine.blindHeld(Channel.HTTP)).isZero();
    }

    @Test
    void liveSourceThatCouldNotDeliverDuringBlindTimeGetsItsRemainingSilenceAfterRecovery() {
        beat("a", Channel.HTTP);
        hearing(900); // its last heartbeat got through 900 ms before the channel went deaf
        deaf(10_000);
        http.advanceTo(clock.millis()); // recovery: a 10 s step is a blind spell
        engine.tick();
        // blind time does not count: it may stay silent for LIMIT - 900 ms more
        hearing(LIMIT - 900 - 10);
        assertThat(kinds()).containsExactly("a:ALIVE");
        beat("a", Channel.HTTP);
        hearing(1000);
        assertThat(kinds()).containsExactly("a:ALIVE");
    }

    @Test
    void sourceThatDiedDuringBlindTimeGetsExactlyOneOnsetNoLaterThanRecoveryPlusThreshold() {
        beat("dead", Channel.HTTP);
        beat("live", Channel.HTTP);
        long died = clock.millis();
        hearing(500);
        long deafFrom = clock.millis();
        deaf(5000);
        beat("live", Channel.HTTP);
        http.advanceTo(clock.millis());
        long recovery = clock.millis();
        engine.tick();
        for (int i = 0; i < 20; i++) {
            hearing(250);
            beat("live", Channel.HTTP);
        }
        assertThat(kinds()).containsExactly("dead:ALIVE", "live:ALIVE", "dead:ONSET");
        long at = onsetOf("dead").atMillis();
        // silence outside the blind spell = the limit: died + LIMIT + 1 + (recovery - deafFrom)
        assertThat(at).isBetween(died + LIMIT + 1 + (recovery - deafFrom), died + LIMIT + 1 + (recovery - deafFrom) + 10);
        assertThat(at).isLessThanOrEqualTo(recovery + LIMIT + 1);
    }

    @Test
    void aSourceHeardWhileTheChannelCatchesUpAfterAnOutageIsDecidedOnItsOwnDeadline() {
        Watermark mr = watermarks.register(Channel.DMAAP, "dmaap:t", Duration.ofMillis(1000));
        beat("before", Channel.DMAAP); // dies before the outage
        beat("backlog", Channel.DMAAP); // its last heartbeat waits in MR's backlog
        beat("live", Channel.DMAAP);
        for (int i = 0; i < 5; i++) {
            clock.advanceMillis(100);
            mr.advanceTo(clock.millis());
            engine.tick();
        }
        long deafFrom = mr.millis();
        deaf(5000); // MR cannot be reached
        long back = clock.millis();
        mr.reached(back); // a full answer: MR is back, its backlog is read page by page
        engine.tick();
        beat("backlog", Channel.DMAAP); // read from the first page (timeBase: arrival, so it counts from now)
        long heard = clock.millis();
        for (int i = 0; i < 10; i++) { // a second of catching up: more full pages, the watermark waits
            beat("live", Channel.DMAAP);
            clock.advanceMillis(100);
            mr.reached(clock.millis());
            engine.tick();
        }
        for (int i = 0; i < 40; i++) { // caught up
            beat("live", Channel.DMAAP);
            clock.advanceMillis(100);
            mr.advanceTo(clock.millis());
            engine.tick();
        }

        assertThat(mr.spells()).as("the outage, not the catch-up").singleElement()
                .satisfies(sp -> assertThat(sp.toMillis()).isEqualTo(back));
        assertThat(events.stream().filter(e -> e.kind().equals(ChangeEvent.ONSET)).map(e -> e.source().sourceName()))
                .containsExactlyInAnyOrder("before", "backlog");
        // heard during the catch-up: its own deadline, not one moved later by the catch-up's second
        assertThat(onsetOf("backlog").atMillis()).isBetween(heard + LIMIT + 1, heard + LIMIT + 1 + 100);
        // died before the outage: silence outside the outage equals the limit, and no later than back + limit
        long died = deafFrom - 500;
        assertThat(onsetOf("before").atMillis()).isBetween(died + LIMIT + 1 + (back - deafFrom), back + LIMIT + 1 + 100);
    }

    @Test
    void selfPauseCountsAsBlindnessOfEveryChannelEvenOneWithNoWatermark() {
        beat("p", Channel.PEER); // PEER has no watermark part: judged on the clock alone
        beat("dead", Channel.PEER);
        hearing(1500);
        long from = clock.millis();
        clock.advanceMillis(5000); // the whole process was stopped
        engine.selfPaused(from, clock.millis());
        http.advanceTo(clock.millis());
        engine.tick();
        assertThat(kinds()).containsExactly("p:ALIVE", "dead:ALIVE");
        beat("p", Channel.PEER);
        hearing(499);
        assertThat(kinds()).containsExactly("p:ALIVE", "dead:ALIVE");
        hearing(20);
        assertThat(kinds()).containsExactly("p:ALIVE", "dead:ALIVE", "dead:ONSET");
        assertThat(engine.pausedMillisTotal()).isEqualTo(5000);
        assertThat(engine.pauses()).containsExactly(new io.vigil.ingest.BlindSpell(from, from + 5000)); // as /api/v1/status shows it
    }

    @Test
    void sourceOfUnknownChannelWaitsForTheOldestWatermark() {
        long now = clock.millis();
        engine.restore(List.of(new SourceSnapshot(new SourceKey(HB, "restored"), LivenessState.ALIVE, now, null, 0)));
        Watermark kafka = watermarks.register(Channel.KAFKA, "kafka:g", Duration.ofSeconds(5));
        hearing(LIMIT + 100); // HTTP hears; Kafka, a channel it may come through, does not
        assertThat(kinds()).isEmpty();
        assertThat(engine.blindHeld(null)).isEqualTo(1);
        kafka.advanceTo(clock.millis());
        engine.tick();
        assertThat(kinds()).containsExactly("restored:ONSET");
    }

    @Test
    void closedPartNoLongerHoldsItsChannel() {
        Watermark kafka = watermarks.register(Channel.KAFKA, "kafka:g", Duration.ofSeconds(5));
        beat("k", Channel.KAFKA);
        hearing(LIMIT + 100);
        assertThat(kinds()).containsExactly("k:ALIVE");
        kafka.close(); // no part left: judged on the clock
        engine.tick();
        assertThat(kinds()).containsExactly("k:ALIVE", "k:ONSET");
    }
}

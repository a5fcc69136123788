package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.engine.Engine;
import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import io.vigil.server.CapturedLog;
import io.vigil.time.ManualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blind / hears-again log lines of {@link IngestWatch}, driven by a manual clock. */
class IngestWatchTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final Watermarks watermarks = new Watermarks(clock);
    private final Watermark http = watermarks.register(Channel.HTTP, "http", Duration.ofSeconds(1));
    private final IngestWatch watch = new IngestWatch(watermarks, () -> (Engine) null);
    private CapturedLog log;

    @BeforeEach
    void capture() {
        log = CapturedLog.of(IngestWatch.class);
    }

    @AfterEach
    void release() {
        log.close();
    }

    private List<String> lines() {
        return log.lines();
    }

    /** The part keeps up for {@code millis}: its watermark follows the clock, checked every 100 ms. */
    private void hearing(long millis) {
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            http.advanceTo(clock.millis());
            watch.check();
        }
    }

    /** The part proves nothing for {@code millis}, checked every 100 ms, then catches up. */
    private void blindFor(long millis) {
        for (long t = 0; t < millis; t += 100) {
            clock.advanceMillis(100);
            watch.check();
        }
        http.advanceTo(clock.millis());
        watch.check();
    }

    @Test
    void oneLineWhenAChannelGoesBlindAndOneWhenItHearsAgain() {
        hearing(1_000);
        blindFor(3_000);
        hearing(1_000);

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).startsWith("Ingest channel http is blind: http has proven nothing for 1100 ms")
                .contains("check Vigil's CPU and GC");
        assertThat(lines().get(1)).startsWith("Ingest channel http hears again");
    }

    @Test
    void aFlappingChannelIsSummedUpOncePerMinuteInsteadOfTwoLinesPerSpell() {
        hearing(1_000);
        blindFor(1_500); // logged: blind, hears again; the flap window opens
        for (int i = 0; i < 20; i++) { // 20 more short spells within the next minute
            hearing(900);
            blindFor(1_500 + i * 10); // rounded up to the 100 ms checks: 1.5 to 1.7 s
        }
        assertThat(lines()).hasSize(2);

        hearing(60_000);
        assertThat(lines()).hasSize(3);
        assertThat(lines().get(2)).startsWith("Ingest channel http went blind again 20 times in the last 60 s")
                .contains("1700 ms at most").contains("that time did not count as silence");

        hearing(60_000); // the window after a summary with nothing in it: no line, and the next spell is logged again
        blindFor(2_000);
        assertThat(lines()).hasSize(5);
        assertThat(lines().get(3)).startsWith("Ingest channel http is blind");
        assertThat(lines().get(4)).startsWith("Ingest channel http hears again");
    }

    @Test
    void aLongSpellInsideTheFlapWindowIsStillLoggedOnItsOwn() {
        hearing(1_000);
        blindFor(1_500);
        hearing(1_000);
        blindFor(15_000); // an outage, not a flap

        assertThat(lines()).hasSize(4);
        assertThat(lines().get(2)).startsWith("Ingest channel http is blind: http has proven nothing for 10000 ms");
        assertThat(lines().get(3)).startsWith("Ingest channel http hears again");
    }

    @Test
    void aSpellBetweenTwoChecksIsLoggedOnceAndCountedInsideTheWindow() {
        hearing(1_000);
        clock.advanceMillis(5_000); // the whole process was stopped: the part catches up before the watch runs
        http.advanceTo(clock.millis());
        watch.check();
        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).startsWith("Ingest channel http was blind for 5000 ms");

        hearing(1_000);
        clock.advanceMillis(3_000);
        http.advanceTo(clock.millis());
        watch.check();
        assertThat(lines()).hasSize(1);
        hearing(60_000);
        assertThat(lines()).hasSize(2);
        assertThat(lines().get(1)).startsWith("Ingest channel http went blind again once in the last 60 s").contains("3000 ms at most");
    }
}

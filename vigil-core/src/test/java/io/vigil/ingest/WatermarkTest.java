package io.vigil.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A part's watermark and its blind spells, on a manual clock. */
class WatermarkTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final Watermark w = new Watermarks(clock).register(Channel.DMAAP, "dmaap:t", Duration.ofMillis(1000));
    private final long start = clock.millis();

    @Test
    void aStepLongerThanBlindAfterIsABlindSpellAShorterOneIsNot() {
        w.advanceTo(start + 1000);
        assertThat(w.spells()).isEmpty();
        w.advanceTo(start + 3000);
        assertThat(w.spells()).containsExactly(new BlindSpell(start + 1000, start + 3000));
        assertThat(w.millis()).isEqualTo(start + 3000);
    }

    @Test
    void reachingTheUpstreamEndsTheSpellAndLeavesTheWatermarkWhereItIs() {
        w.reached(start + 5000); // back after five seconds, still behind
        assertThat(w.spells()).containsExactly(new BlindSpell(start, start + 5000));
        assertThat(w.millis()).as("nothing proven yet").isEqualTo(start);

        w.reached(start + 5800); // catching up, answer after answer
        w.reached(start + 6600);
        w.advanceTo(start + 7000); // caught up: two seconds after the spell's end, but reached all along
        assertThat(w.spells()).as("the catch-up is lag, not blindness").hasSize(1);
        assertThat(w.millis()).isEqualTo(start + 7000);
    }

    @Test
    void anOutageDuringACatchUpIsCountedFromTheLastAnswer() {
        w.reached(start + 500);
        w.reached(start + 4500); // no answer for four seconds meanwhile
        assertThat(w.spells()).containsExactly(new BlindSpell(start + 500, start + 4500));
        w.advanceTo(start + 4600);
        assertThat(w.spells()).hasSize(1);
    }

    @Test
    void earlierTimesAreIgnored() {
        w.advanceTo(start + 800);
        w.reached(start + 700);
        w.advanceTo(start + 600);
        assertThat(w.millis()).isEqualTo(start + 800);
        w.advanceTo(start + 1700);
        assertThat(w.spells()).isEmpty();
    }
}

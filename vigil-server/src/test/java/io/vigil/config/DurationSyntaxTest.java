package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationSyntaxTest {

    @Test
    void unitsMillisSecondsMinutesHours() {
        assertThat(DurationSyntax.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationSyntax.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationSyntax.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationSyntax.parse("1h")).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void daysAreADuration() {
        assertThat(DurationSyntax.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(DurationSyntax.parse(DurationSyntax.format(Duration.ofDays(7)))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void bareNumberMeansSeconds() {
        assertThat(DurationSyntax.parse("300")).isEqualTo(Duration.ofSeconds(300));
        assertThat(DurationSyntax.parse("0.5")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationSyntax.parse(" 60 ")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void fractionsWithUnits() {
        assertThat(DurationSyntax.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationSyntax.parse("0.25m")).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void negativeUnknownUnitsAndGarbageAreNotDurations() {
        assertThat(DurationSyntax.parse("-3")).isNull();
        assertThat(DurationSyntax.parse("5 minutes")).isNull();
        assertThat(DurationSyntax.parse("PT5S")).isNull();
        assertThat(DurationSyntax.parse("")).isNull();
        assertThat(DurationSyntax.parse("s")).isNull();
        assertThat(DurationSyntax.parse(null)).isNull();
    }

    @Test
    void formatPicksTheLargestExactUnitAndParsesBack() {
        assertThat(DurationSyntax.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(DurationSyntax.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationSyntax.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationSyntax.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationSyntax.format(Duration.ZERO)).isEqualTo("0s");
        for (Duration d : new Duration[] {Duration.ofNanos(1500), Duration.ofMillis(7), Duration.ofSeconds(61)})
            assertThat(DurationSyntax.parse(DurationSyntax.format(d))).isEqualTo(d);
    }
}

package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The φ formula, its inverse (the silence limit), the estimator and the upper bound. */
class PhiAccrualDetectorTest {
    private static PhiAccrualDetector phi(double threshold, long minStd, long pause) {
        return new PhiAccrualDetector(threshold, 1000, minStd, pause, 1000, 3000);
    }

    @Test
    void normalTailAndQuantileMatchKnownValues() {
        assertThat(NormalDistribution.upperTail(0)).isCloseTo(0.5, within(1e-7));
        assertThat(NormalDistribution.upperTail(1.959964)).isCloseTo(0.025, within(1e-7));
        assertThat(NormalDistribution.upperQuantile(0.025)).isCloseTo(1.959964, within(1e-5));
        assertThat(NormalDistribution.upperQuantile(1e-8)).isCloseTo(5.612001, within(1e-4));
        assertThat(NormalDistribution.upperQuantile(1e-3)).isCloseTo(3.090232, within(1e-5));
    }

    @Test
    void phiAtTheSilenceLimitIsTheThreshold() {
        for (double threshold : new double[] {1, 3, 8, 12}) {
            PhiAccrualDetector d = phi(threshold, 100, 0);
            long state = d.initialState();
            for (int i = 0; i < 50; i++) state = d.observe(state, 1000);
            long limit = d.silenceLimitMillis(state);
            assertThat(d.suspicion(state, limit)).as("phi at the limit, threshold %s", threshold)
                    .isCloseTo(threshold, within(0.05));
            assertThat(d.suspicion(state, limit - 20)).isLessThan(threshold);
        }
    }

    @Test
    void regularHeartbeatsGiveMeanPlusZTimesTheMinimumStdDev() {
        PhiAccrualDetector d = phi(8, 100, 0);
        long state = d.initialState();
        for (int i = 0; i < 200; i++) state = d.observe(state, 1000);
        assertThat(PhiAccrualDetector.mean(state)).isCloseTo(1000, within(0.5));
        assertThat(PhiAccrualDetector.stdDev(state)).isLessThan(100);
        // 1000 + 5.612 * 100
        assertThat(d.silenceLimitMillis(state)).isEqualTo(1562);
    }

    @Test
    void estimateMatchesTheSamplesMeanAndStdDev() {
        PhiAccrualDetector d = phi(8, 1000, 0);
        Random r = new Random(1);
        long state = d.initialState();
        for (int i = 0; i < 400; i++) state = d.observe(state, Math.round(1000 + 200 * r.nextGaussian()));
        assertThat(PhiAccrualDetector.mean(state)).isCloseTo(1000, within(30.0));
        assertThat(PhiAccrualDetector.stdDev(state)).isCloseTo(200, within(25.0));
        assertThat(PhiAccrualDetector.count(state)).isEqualTo(402);
    }

    @Test
    void acceptablePauseIsAddedToTheMean() {
        PhiAccrualDetector d = phi(8, 100, 500);
        long state = d.initialState();
        for (int i = 0; i < 200; i++) state = d.observe(state, 1000);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(2062);
    }

    @Test
    void limitNeverExceedsIntervalTimesMissed() {
        PhiAccrualDetector d = new PhiAccrualDetector(16, 1000, 2000, 5000, 1000, 3000);
        long state = d.initialState();
        assertThat(d.silenceLimitMillis(state)).isEqualTo(3000);
        for (int i = 0; i < 100; i++) state = d.observe(state, i % 2 == 0 ? 200 : 2900);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(3000);
    }

    @Test
    void anOutageIsNotLearntAsAnInterval() {
        PhiAccrualDetector d = phi(8, 100, 0);
        long state = d.initialState();
        for (int i = 0; i < 100; i++) state = d.observe(state, 1000);
        assertThat(d.observe(state, 60_000)).isEqualTo(state);
    }

    @Test
    void startsFromTheIntervalBeforeAnySample() {
        PhiAccrualDetector d = phi(8, 100, 0);
        long state = d.initialState();
        assertThat(PhiAccrualDetector.mean(state)).isEqualTo(1000);
        assertThat(PhiAccrualDetector.stdDev(state)).isEqualTo(250);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(2404); // ceil(1000 + 5.612 * 250)
    }

    @Test
    void missedCountIsOnapsRule() {
        MissedCountDetector d = new MissedCountDetector(3000);
        assertThat(d.silenceLimitMillis(d.observe(d.initialState(), 10))).isEqualTo(3000);
        assertThat(d.learns()).isFalse();
    }
}

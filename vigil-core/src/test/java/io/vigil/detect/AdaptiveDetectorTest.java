package io.vigil.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The adaptive detector's rules, one per test, on a monitor with heartbeatInterval 1 s × 3 missed: the ONAP start,
 * the period and lateness estimates, loss tolerance from own and fleet evidence, period changes, the clamps.
 */
class AdaptiveDetectorTest {
    private static final long INTERVAL = 1000, CEILING = 3000;

    private static AdaptiveDetector detector() {
        return new AdaptiveDetector(10, INTERVAL, CEILING);
    }

    /** {@code n} heartbeats {@code gap} ms apart, arriving {@code lateBy} ms after their own time. */
    private static long feed(AdaptiveDetector d, long state, int n, long gap, long lateBy) {
        for (int i = 0; i < n; i++) state = d.observe(state, gap, gap + lateBy);
        return state;
    }

    /** Proves the fleet: enough clean heartbeats of other sources that the prior gives way to evidence. */
    private static void proveFleet(AdaptiveDetector d) {
        feed(d, d.initialState(), (int) AdaptiveDetector.FLEET_PROOF, INTERVAL, 0);
    }

    @Test
    void aNewMonitorStartsAtOnapsRule() {
        AdaptiveDetector d = detector();
        long state = feed(d, d.initialState(), 100, INTERVAL, 0);
        assertThat(d.fleetRun()).isEqualTo(2);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(CEILING);
    }

    @Test
    void aNewMonitorKeepsOnapsRuleEvenForSendersFasterThanConfigured() {
        AdaptiveDetector d = detector();
        long state = feed(d, d.initialState(), 200, 100, 0);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(CEILING);
    }

    @Test
    void aRegularSourceOfAProvenFleetIsMissingJustAfterOnePeriod() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long state = feed(d, d.initialState(), 2000, INTERVAL, 0);
        assertThat(d.fleetRun()).isZero();
        // μ + max(10·a, μ/50) with a → 0: one period and 2 %
        assertThat(d.silenceLimitMillis(state)).isBetween(1020L, 1040L);
    }

    @Test
    void theMarginGrowsWithTheJitter() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long state = d.initialState();
        for (int i = 0; i < 2000; i++) state = d.observe(state, i % 2 == 0 ? 900 : 1100, i % 2 == 0 ? 900 : 1100);
        assertThat(d.period(state)).isCloseTo(1000, within(15.0));
        assertThat(d.deviation(state)).isCloseTo(100, within(15.0));
        assertThat(d.silenceLimitMillis(state)).isBetween(1850L, 2150L);
    }

    @Test
    void aLostHeartbeatDoesNotStretchThePeriod() {
        AdaptiveDetector d = detector();
        long state = feed(d, d.initialState(), 100, INTERVAL, 0);
        state = d.observe(state, 2 * INTERVAL, 2 * INTERVAL);
        assertThat(d.period(state)).isCloseTo(1000, within(1.0));
        assertThat(AdaptiveDetector.ownRun(state)).isEqualTo(1);
    }

    @Test
    void aFleetThatLosesSingleHeartbeatsToleratesOneLoss() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long other = feed(d, d.initialState(), 10, INTERVAL, 0);
        d.observe(other, 2 * INTERVAL, 2 * INTERVAL); // another source lost one
        long state = feed(d, d.initialState(), 2000, INTERVAL, 0);
        assertThat(d.fleetRun()).isEqualTo(1);
        assertThat(d.silenceLimitMillis(state)).isBetween(2020L, 2060L);
    }

    @Test
    void theFleetForgetsARunAfterItsWindow() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        d.observe(feed(d, d.initialState(), 10, INTERVAL, 0), 2 * INTERVAL, 2 * INTERVAL);
        feed(d, d.initialState(), (int) AdaptiveDetector.FLEET_WINDOW + 32, INTERVAL, 0);
        assertThat(d.fleetRun()).isZero();
    }

    @Test
    void aSourceThatLostTwoInARowToleratesTwoUntilProvenClean() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long state = feed(d, d.initialState(), 100, INTERVAL, 0);
        state = d.observe(state, 3 * INTERVAL, 3 * INTERVAL);
        assertThat(AdaptiveDetector.ownRun(state)).isEqualTo(2);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(CEILING);
        state = feed(d, state, AdaptiveDetector.PROOF_BEATS + 16, INTERVAL, 0);
        assertThat(AdaptiveDetector.provenClean(state)).isTrue();
        assertThat(d.silenceLimitMillis(state)).isLessThan(1100);
    }

    @Test
    void aProvenCleanSourceIgnoresTheFleetsLosses() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long clean = feed(d, d.initialState(), AdaptiveDetector.PROOF_BEATS + 16, INTERVAL, 0);
        d.observe(feed(d, d.initialState(), 10, INTERVAL, 0), 3 * INTERVAL, 3 * INTERVAL);
        assertThat(d.fleetRun()).isEqualTo(2);
        assertThat(d.silenceLimitMillis(clean)).isLessThan(1100);
        assertThat(d.silenceLimitMillis(feed(d, d.initialState(), 100, INTERVAL, 0))).isEqualTo(CEILING);
    }

    @Test
    void aSenderClockBehindIsLearntAsLateness() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        // timeBase event: each heartbeat carries a time 1500 ms behind its arrival
        long state = feed(d, d.initialState(), 2000, INTERVAL, 1500);
        assertThat(d.lateness(state)).isCloseTo(1500, within(10.0));
        assertThat(d.silenceLimitMillis(state)).isBetween(2520L, 2560L);
    }

    @Test
    void aHeartbeatLaterThanTheMarginMovesTheLatenessAtOnce() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long state = feed(d, d.initialState(), 2000, INTERVAL, 0);
        state = d.observe(state, INTERVAL, INTERVAL + 900); // the sender's clock stepped back 900 ms
        assertThat(d.lateness(state)).isGreaterThan(850);
        assertThat(d.silenceLimitMillis(state)).isGreaterThan(1900);
    }

    @Test
    void threeLongGapsInARowAreAPeriodChangeAndCountAsDrift() {
        AdaptiveDetector d = detector();
        long state = feed(d, d.initialState(), 100, INTERVAL, 0);
        state = feed(d, state, 2, 5 * INTERVAL, 0);
        assertThat(d.period(state)).isCloseTo(1000, within(1.0));
        assertThat(d.driftingSources()).isZero();
        state = d.observe(state, 5 * INTERVAL, 5 * INTERVAL);
        assertThat(d.period(state)).isCloseTo(5000, within(3.0));
        assertThat(d.driftingSources()).isEqualTo(1);
        assertThat(d.driftPeriodMillis()).isEqualTo(5000);
        assertThat(d.silenceLimitMillis(state)).isEqualTo(CEILING);
        state = feed(d, state, 200, INTERVAL, 0);
        assertThat(d.period(state)).isCloseTo(1000, within(5.0));
        assertThat(d.driftingSources()).isZero();
    }

    @Test
    void theLimitStaysWithinOneIntervalAndIntervalTimesMissed() {
        AdaptiveDetector d = detector();
        proveFleet(d);
        long fast = feed(d, d.initialState(), 3000, 200, 0); // a sender four times faster than configured
        assertThat(d.silenceLimitMillis(fast)).isEqualTo(INTERVAL);
        long wild = feed(d, d.initialState(), 500, INTERVAL, 0);
        for (int i = 0; i < 500; i++) wild = d.observe(wild, INTERVAL, i % 2 == 0 ? 100 : 1900);
        assertThat(d.silenceLimitMillis(wild)).isEqualTo(CEILING);
    }

    @Test
    void anOutageIsNotLearnt() {
        AdaptiveDetector d = detector();
        long state = feed(d, d.initialState(), 100, INTERVAL, 0);
        assertThat(d.observe(state, 60_000, 60_000)).isEqualTo(state);
    }

    @Test
    void suspicionIsTheFractionOfTheLimit() {
        AdaptiveDetector d = detector();
        long state = d.initialState();
        assertThat(d.suspicion(state, 1500)).isCloseTo(0.5, within(1e-9)); // 1500 of ONAP's 3000 ms
        assertThat(d.threshold()).isEqualTo(1.0);
    }

    @Test
    void aLowerThresholdDetectsSooner() {
        AdaptiveDetector strict = new AdaptiveDetector(4, INTERVAL, CEILING), lax = detector();
        proveFleet(strict);
        proveFleet(lax);
        long s = strict.initialState(), l = lax.initialState();
        for (int i = 0; i < 2000; i++) {
            long gap = i % 2 == 0 ? 950 : 1050;
            s = strict.observe(s, gap, gap);
            l = lax.observe(l, gap, gap);
        }
        assertThat(strict.silenceLimitMillis(s)).isLessThan(lax.silenceLimitMillis(l));
    }
}

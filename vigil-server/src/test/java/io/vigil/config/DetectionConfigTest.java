package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vigil.dependency.Dependency;
import io.vigil.detect.DetectorSpec;
import io.vigil.detect.FlapRule;
import io.vigil.engine.SourceKey;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The detection-quality keys: read, validated with clear errors, and normalized back to an equal configuration. */
class DetectionConfigTest {
    private static final String FULL = """
            monitors:
              - eventName: Heartbeat_vDNS
                heartbeatInterval: 1s
                detector: {type: phi-accrual, threshold: 10, window: 500, minStdDev: 50ms, acceptablePause: 1s}
                expectedSources: [vdns-1, vdns-2]
                recoveryHeartbeats: 3
                flapping: {changes: 4, window: 5m}
              - eventName: Heartbeat_site
                heartbeatInterval: 5s
            silences:
              - matchers: {eventName: Heartbeat_vDNS, sourceName: "vdns-*"}
                days: [sat, sunday]
                start: "02:00"
                duration: 2h
                timeZone: Europe/Paris
                comment: weekly patching
              - matchers: {sourceName: lab-1}
                startsAt: 2026-01-01T00:00:00Z
                endsAt: 2026-01-02T00:00:00Z
            dependencies:
              - child: {eventName: Heartbeat_vDNS, sourceName: "vdns-*"}
                parent: {eventName: Heartbeat_site, sourceName: site-a}
            """;

    @Test
    void everyDetectionKeyIsRead() throws Exception {
        VigilConfig c = ConfigLoader.parse(FULL, "test");
        var rules = c.monitors().get(0).detection();
        assertThat(rules.detector()).isEqualTo(new DetectorSpec.PhiAccrual(10, 500, Duration.ofMillis(50), Duration.ofSeconds(1)));
        assertThat(rules.expectedSources()).containsExactly("vdns-1", "vdns-2");
        assertThat(rules.recoveryHeartbeats()).isEqualTo(3);
        assertThat(rules.flapping()).isEqualTo(new FlapRule(4, Duration.ofMinutes(5)));
        assertThat(c.monitors().get(1).detection().detector()).isEqualTo(DetectorSpec.MISSED_COUNT);
        assertThat(c.detection().silences()).hasSize(2);
        var weekly = (SilenceWindow.Weekly) c.detection().silences().get(0).window();
        assertThat(weekly.days()).isEqualTo(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
        assertThat(weekly.start()).isEqualTo(LocalTime.of(2, 0));
        assertThat(c.detection().silences().get(1).matcher()).isEqualTo(new SourceMatcher(null, "lab-1"));
        assertThat(c.detection().dependencies()).containsExactly(new Dependency("config-1",
                new SourceMatcher("Heartbeat_vDNS", "vdns-*"), new SourceKey("Heartbeat_site", "site-a"), "config"));
    }

    @Test
    void phiAccrualDefaultsApplyWhenOnlyTheTypeIsGiven() throws Exception {
        VigilConfig c = ConfigLoader.parse("monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: phi-accrual}}]", "t");
        assertThat(c.monitors().get(0).detection().detector()).isEqualTo(DetectorSpec.PhiAccrual.defaults());
    }

    @Test
    void yamlMonitorsDefaultToTheMissedCountRuleAndAdaptiveIsOptIn() throws Exception {
        VigilConfig c = ConfigLoader.parse("monitors: [{eventName: E, heartbeatInterval: 1s}]", "t");
        assertThat(c.monitors().get(0).detection().detector()).isEqualTo(DetectorSpec.MISSED_COUNT);
        VigilConfig adaptive = ConfigLoader.parse("monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: adaptive}}]", "t");
        assertThat(adaptive.monitors().get(0).detection().detector()).isEqualTo(new DetectorSpec.Adaptive(10));
    }

    @Test
    void adaptiveTakesOneThresholdKnob() throws Exception {
        VigilConfig c = ConfigLoader.parse("monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: adaptive, threshold: 6}}]", "t");
        assertThat(c.monitors().get(0).detection().detector()).isEqualTo(new DetectorSpec.Adaptive(6));
        assertThatThrownBy(() -> ConfigLoader.parse(
                "monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: adaptive, window: 100}}]", "t"))
                .hasMessageContaining("monitors[0].detector.window");
        assertThatThrownBy(() -> ConfigLoader.parse(
                "monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: adaptive, threshold: 0}}]", "t"))
                .hasMessageContaining("monitors[0].detector.threshold: must be a number above 0 and at most 1000, like 10 (got 0)");
    }

    @Test
    void onapJsonMonitorsKeepTheMissedCountRule() throws Exception {
        VigilConfig c = ConfigLoader.load(ProjectFiles.example("onap-config.json"));
        assertThat(c.monitors()).isNotEmpty().allSatisfy(m -> assertThat(m.detection().detector()).isEqualTo(DetectorSpec.MISSED_COUNT));
    }

    @Test
    void normalizedFormLoadsBackToTheSameConfiguration() throws Exception {
        VigilConfig c = ConfigLoader.parse(FULL, "test");
        VigilConfig again = ConfigLoader.parse(ConfigJson.toJson(c, true), "normalized");
        assertThat(again.monitors()).isEqualTo(c.monitors());
        assertThat(again.detection()).isEqualTo(c.detection());
    }

    @Test
    void badDetectionKeysAreReportedTogetherWithTheirPaths() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                monitors:
                  - eventName: E
                    heartbeatInterval: 1s
                    detector: {type: phi, threshold: -1}
                    recoveryHeartbeats: 0
                    flapping: {changes: 1}
                silences:
                  - {matchers: {sourceName: x}, startsAt: 2026-01-02T00:00:00Z, endsAt: 2026-01-01T00:00:00Z}
                  - {start: "25:00", duration: 1h}
                dependencies:
                  - {child: {sourceName: "a*"}, parent: {eventName: E, sourceName: "p*"}}
                """, "bad"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                        "monitors[0].detector.type", "monitors[0].detector.threshold", "monitors[0].recoveryHeartbeats", "monitors[0].flapping.changes",
                        "silences[0].endsAt", "silences[1].matchers", "silences[1].start", "dependencies[0].parent.sourceName"));
    }

    @Test
    void missedCountTakesNoPhiSettings() {
        assertThatThrownBy(() -> ConfigLoader.parse(
                "monitors: [{eventName: E, heartbeatInterval: 1s, detector: {type: missed-count, threshold: 8}}]", "t"))
                .hasMessageContaining("monitors[0].detector.threshold");
    }

    @Test
    void anEmptyListOfExpectedSourcesIsTheDefault() throws Exception {
        VigilConfig c = ConfigLoader.parse("monitors: [{eventName: E, heartbeatInterval: 1s, expectedSources: []}]", "t");
        assertThat(c.monitors().get(0).detection().expectedSources()).isEqualTo(List.of());
    }

    @Test
    void dependenciesThatFormACycleAreAConfigErrorNamingIt() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                dependencies:
                  - {child: {eventName: E, sourceName: a}, parent: {eventName: E, sourceName: b}}
                  - {child: {eventName: E, sourceName: b}, parent: {eventName: E, sourceName: a}}
                """, "cycle"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::toString)
                        .containsExactly("dependencies: form a cycle: E/b → E/a → E/b; each source's ONSET would be held "
                                + "behind the other's forever. Remove one of these rules"));
    }

    @Test
    void aCycleThroughAWildcardChildIsAConfigError() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                dependencies:
                  - {child: {eventName: E, sourceName: hub}, parent: {eventName: E, sourceName: site-1}}
                  - {child: {eventName: E, sourceName: "site-*"}, parent: {eventName: E, sourceName: hub}}
                """, "cycle"))
                .hasMessageContaining("dependencies: form a cycle: E/site-1 → E/hub → E/site-1");
    }

    @Test
    void aSilenceWithoutMatchersOrLongerThanTheMaximumIsAConfigError() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                silences:
                  - {startsAt: 2026-01-01T00:00:00Z, endsAt: 2026-01-01T01:00:00Z}
                  - {matchers: {}, startsAt: 2026-01-01T00:00:00Z, endsAt: 2026-01-01T01:00:00Z}
                  - {matchers: {eventName: E}, startsAt: 2026-01-01T00:00:00Z, endsAt: 2099-01-01T00:00:00Z}
                """, "t"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::toString)
                        .containsExactly("silences[0].matchers: " + Silence.MATCHERS_REQUIRED,
                                "silences[1].matchers: " + Silence.MATCHERS_REQUIRED,
                                "silences[2].endsAt: the window is longer than detection.maxSilenceDuration (720h); split it, or raise that limit"));
    }

    @Test
    void theMaximumSilenceIsConfigurableAndAnExplicitStarSilencesEverySource() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                detection: {maxSilenceDuration: 9600h}
                silences:
                  - {matchers: {eventName: "*"}, startsAt: 2026-01-01T00:00:00Z, endsAt: 2026-12-01T00:00:00Z}
                """, "t");
        assertThat(c.detection().maxSilence()).isEqualTo(Duration.ofDays(400));
        assertThat(c.detection().silences().getFirst().matcher().matches(new SourceKey("any", "thing"))).isTrue();
    }

    @Test
    void namesLongerThanIngestAcceptsAreConfigErrors() {
        String longName = "n".repeat(256);
        assertThatThrownBy(() -> ConfigLoader.parse("monitors: [{eventName: " + longName + ", heartbeatInterval: 1s, "
                + "expectedSources: [" + longName + "]}]\n"
                + "dependencies: [{child: {sourceName: " + longName + "}, parent: {eventName: E, sourceName: p}}]", "t"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::path)
                        .containsExactly("monitors[0].eventName", "monitors[0].expectedSources[0]",
                                "dependencies[0].child.sourceName"));
        assertThat(catchThrowable(() -> ConfigLoader.parse("monitors: [{eventName: " + "n".repeat(255)
                + ", heartbeatInterval: 1s}]", "t"))).isNull();
    }

    @Test
    void aSmallerLimitsNameLengthAppliesToTheConfigsOwnNames() {
        assertThatThrownBy(() -> ConfigLoader.parse("monitors: [{eventName: Heartbeat_vDNS_long, heartbeatInterval: 1s}]\n"
                + "limits: {nameLength: 10}", "t"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::toString)
                        .containsExactly("monitors[0].eventName: longer than 10 characters (19); names are limited as at "
                                + "ingest (limits.nameLength)"));
    }
}

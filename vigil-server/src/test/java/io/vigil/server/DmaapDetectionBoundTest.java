package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.config.DmaapIngest;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The startup line that names what DMaaP long polling costs detection (docs/detection.md "When Vigil cannot hear"). */
class DmaapDetectionBoundTest {
    private static final String URL = "http://mr:3904/events/HB/g/1";
    private static final Monitor ONAP_VNF = new Monitor("Heartbeat_vDNS", Duration.ofSeconds(60), 3, TimeBase.EVENT, ClosedLoop.NONE);
    private static final Monitor FAST = new Monitor("Heartbeat_fast", Duration.ofSeconds(1), 2, TimeBase.ARRIVAL, ClosedLoop.NONE);

    private static DmaapIngest polling(Duration pollTimeout) {
        return new DmaapIngest("http://mr:3904/events/HB", "g", "1", pollTimeout, 0, null);
    }

    @Test
    void theDefaultLongPollIsNamedWithItsBoundOfTwoLongPolls() {
        DmaapDetectionBound b = DmaapDetectionBound.of(polling(null), List.of(ONAP_VNF));

        assertThat(b.idleLag()).isEqualTo(Duration.ofSeconds(30));
        assertThat(b.exceedsShortestLimit()).isFalse();
        assertThat(b.describe(URL)).isEqualTo("polling DMaaP Message Router " + URL + " with long polls of 15s: a DMaaP-fed"
                + " source's ONSET may come up to 30s after its deadline while MR has nothing to give (two long polls;"
                + " ingest.dmaap.pollTimeout)");
    }

    @Test
    void aBoundLongerThanTheShortestLimitSaysWhichPollTimeoutWouldFit() {
        DmaapDetectionBound b = DmaapDetectionBound.of(polling(null), List.of(ONAP_VNF, FAST));

        assertThat(b.exceedsShortestLimit()).isTrue();
        assertThat(b.describe(URL)).endsWith("(two long polls; ingest.dmaap.pollTimeout), longer than the limit of monitor"
                + " Heartbeat_fast (2s): if its sources report over DMaaP, set ingest.dmaap.pollTimeout to 1s or less"
                + " (25ms brings the lag to ~0.1 s, at up to 40 polls a second while MR is idle)");
    }

    @Test
    void aBoundEqualToTheShortestLimitIsNotAWarning() {
        assertThat(DmaapDetectionBound.of(polling(Duration.ofSeconds(1)), List.of(FAST)).exceedsShortestLimit()).isFalse();
        assertThat(DmaapDetectionBound.of(polling(Duration.ofMillis(1001)), List.of(FAST)).exceedsShortestLimit()).isTrue();
    }

    @Test
    void aShortLongPollNamesItsBoundInMilliseconds() {
        assertThat(DmaapDetectionBound.of(polling(Duration.ofMillis(25)), List.of(FAST)).describe(URL))
                .contains("with long polls of 25ms: a DMaaP-fed source's ONSET may come up to 50ms after its deadline");
    }

    @Test
    void withoutMonitorsThereIsNothingToWarnAbout() {
        assertThat(DmaapDetectionBound.of(polling(null), List.of()).exceedsShortestLimit()).isFalse();
    }
}

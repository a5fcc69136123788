package io.vigil.server;

import io.vigil.config.DmaapIngest;
import io.vigil.config.DurationSyntax;
import io.vigil.monitor.Monitor;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * What DMaaP long polling costs detection, said once when polling starts so that an operator sees it next to the
 * Message Router's URL instead of finding it in an ONSET that came late (docs/detection.md, "When Vigil cannot hear").
 *
 * <p>The DMaaP watermark is the start of the last poll that came back. While MR has nothing to give it holds every
 * poll for {@code pollTimeout}, so the poll that started just before a deadline comes back one long poll later without
 * proving it, and the next one proves it one more long poll after that: a DMaaP-fed source's ONSET may come up to
 * {@link #idleLag() 2 × pollTimeout} (plus processing) after its deadline. While heartbeats flow MR answers at once and
 * the lag is a round trip. The bound is logged at INFO; it is a WARN when it is longer than the shortest monitor's
 * limit (detection could take more than twice what that monitor asks for), naming the {@code pollTimeout} that would
 * keep it within the limit. Vigil cannot tell which monitors' sources report over DMaaP, so the WARN says "if".
 *
 * @param pollTimeout the long-poll timeout ({@code ingest.dmaap.pollTimeout})
 * @param shortest    the monitor with the shortest limit, or null when none is configured
 */
record DmaapDetectionBound(Duration pollTimeout, @Nullable Monitor shortest) {

    static DmaapDetectionBound of(DmaapIngest dmaap, Collection<Monitor> monitors) {
        Monitor shortest = monitors.stream().min(Comparator.comparingLong(Monitor::thresholdMillis)).orElse(null);
        return new DmaapDetectionBound(dmaap.pollTimeout(), shortest);
    }

    /** How late a DMaaP-fed ONSET may come after its deadline while MR has nothing to give: two long polls. */
    Duration idleLag() {
        return pollTimeout.multipliedBy(2);
    }

    /** Whether that lag is longer than the shortest monitor's limit. */
    boolean exceedsShortestLimit() {
        return shortest != null && idleLag().toMillis() > shortest.thresholdMillis();
    }

    /** The log line: the bound, and what to set when it exceeds the shortest limit. */
    String describe(String pollUrl) {
        String bound = "polling DMaaP Message Router " + pollUrl + " with long polls of " + DurationSyntax.format(pollTimeout)
                + ": a DMaaP-fed source's ONSET may come up to " + DurationSyntax.format(idleLag())
                + " after its deadline while MR has nothing to give (two long polls; ingest.dmaap.pollTimeout)";
        if (!exceedsShortestLimit()) return bound;
        Duration limit = Duration.ofMillis(shortest.thresholdMillis());
        Duration fits = Duration.ofMillis(Math.max(1, shortest.thresholdMillis() / 2));
        return bound + ", longer than the limit of monitor " + shortest.eventName() + " (" + DurationSyntax.format(limit)
                + "): if its sources report over DMaaP, set ingest.dmaap.pollTimeout to " + DurationSyntax.format(fits)
                + " or less (25ms brings the lag to ~0.1 s, at up to 40 polls a second while MR is idle)";
    }
}

package io.vigil.detect;

import java.time.Duration;
import java.util.Objects;

/**
 * When a source is FLAPPING ({@code monitors[].flapping}): it starts flapping at its {@code changes}-th state change
 * (ONSET or ABATED, as decided, whether published or not) within {@code window}, and stops once it has gone a whole
 * {@code window} without a change. While it flaps, its ONSETs are held (recorded, not published); an ABATED for an
 * outage whose ONSET was published is still delivered. When flapping stops, a source that is then MISSING gets its
 * ONSET published.
 *
 * @param changes state changes within the window that start flapping (≥ 2; default 6)
 * @param window  the sliding window, and the quiet time that ends flapping (default 10 minutes)
 */
public record FlapRule(int changes, Duration window) {
    public static final int DEFAULT_CHANGES = 6;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    public FlapRule {
        if (changes < 2) throw new IllegalArgumentException("changes must be >= 2");
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive");
    }
}

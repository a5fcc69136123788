package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vigil's duration syntax, the one used everywhere (config, query parameters, API answers): a number with a unit
 * {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 500ms}, {@code 2s}, {@code 1.5s}, {@code 5m},
 * {@code 1h}, {@code 7d}); a bare number means seconds
 * ({@code 300} = 5 minutes, as ONAP writes its intervals). Negative values are not durations.
 */
public final class DurationSyntax {
    private static final Pattern SYNTAX = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*");

    private DurationSyntax() {
    }

    /** The duration {@code text} denotes, or null when it is not in the syntax. */
    public static @Nullable Duration parse(@Nullable String text) {
        if (text == null) return null;
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) return null;
        BigDecimal amount = new BigDecimal(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        long nanosPerUnit = switch (unit) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> 86_400_000_000_000L;
        };
        try {
            return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValueExact());
        } catch (ArithmeticException tooLongOrSubNano) {
            return null;
        }
    }

    /** The shortest exact form: {@code 1h}, {@code 5m}, {@code 2s}, {@code 500ms} (sub-ms as fractional ms). */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) return nanos / 3_600_000_000_000L + "h";
        if (nanos != 0 && nanos % 60_000_000_000L == 0) return nanos / 60_000_000_000L + "m";
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "s";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        return BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString() + "ms";
    }
}

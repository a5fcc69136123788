package io.vigil.config;

import org.jspecify.annotations.Nullable;
import static io.vigil.config.ConfigKeys.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.dependency.Dependency;
import io.vigil.dependency.DependencyCycles;
import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.detect.FlapRule;
import io.vigil.engine.SourceKey;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the detection-quality keys (docs/detection.md): per monitor {@code detector}, {@code expectedSources},
 * {@code recoveryHeartbeats}, {@code flapping}; top level {@code silences} and {@code dependencies}.
 */
final class DetectionConfigReader {
    private DetectionConfigReader() {
    }

    /** The detection rules of one monitor node ({@code detector}, {@code expectedSources}, {@code recoveryHeartbeats}, {@code flapping}). */
    static DetectionRules rules(ConfigNode m) {
        DetectorSpec detector = detector(m);
        List<String> expected = new ArrayList<>();
        List<ConfigNode> items = m.list(MONITOR_EXPECTED_SOURCES.name());
        if (items != null) {
            for (ConfigNode item : items) {
                JsonNode v = item.raw();
                if (!v.isValueNode() || v.asText().isBlank()) item.error(null, "must be a sourceName");
                else if (!item.nameFits(null, v.asText())) continue;
                else if (expected.contains(v.asText())) item.error(null, "duplicate sourceName \"" + v.asText() + "\"");
                else expected.add(v.asText());
            }
        }
        Integer recovery = MONITOR_RECOVERY_HEARTBEATS.read(m);
        FlapRule flap = null;
        if (m.has(FLAPPING.name())) {
            ConfigNode f = m.object(FLAPPING.name());
            f.allowOnly(FLAPPING);
            Integer changes = FLAPPING_CHANGES.read(f);
            Duration window = FLAPPING_WINDOW.read(f);
            if (changes != null && window != null) flap = new FlapRule(changes, window);
        }
        return new DetectionRules(detector, expected, recovery == null ? 1 : recovery, flap);
    }

    /**
     * {@code monitors[].detector}; missed-count (ONAP's rule) by default. {@code adaptive} is opt-in: issue 17 made it
     * the default only if it beat the fixed rule in every benchmark scenario, and it does so in one of seven
     * (docs/benchmarks-detection.md).
     */
    private static DetectorSpec detector(ConfigNode m) {
        if (!m.has(DETECTOR.name())) return DetectorSpec.MISSED_COUNT;
        ConfigNode d = m.object(DETECTOR.name());
        String type = DETECTOR_TYPE.read(d);
        switch (type) {
            case "missed-count" -> {
                d.allowOnly(DETECTOR, type);
                return DetectorSpec.MISSED_COUNT;
            }
            case "adaptive" -> {
                d.allowOnly(DETECTOR, type);
                return new DetectorSpec.Adaptive(threshold(d, DetectorSpec.Adaptive.DEFAULT_THRESHOLD, 1000, "10"));
            }
            default -> {
                d.allowOnly(DETECTOR, type);
                double threshold = threshold(d, DetectorSpec.PhiAccrual.DEFAULT_THRESHOLD, 300, "8");
                Integer window = DETECTOR_WINDOW.read(d);
                Duration minStd = DETECTOR_MIN_STD_DEV.read(d);
                Duration pause = DETECTOR_ACCEPTABLE_PAUSE.read(d);
                return new DetectorSpec.PhiAccrual(threshold, window == null ? DetectorSpec.PhiAccrual.DEFAULT_WINDOW : window,
                        minStd, pause);
            }
        }
    }

    /** {@code detector.threshold}: a number in (0, max]; the default when absent or invalid (the error is recorded). */
    private static double threshold(ConfigNode d, double dflt, int max, String example) {
        JsonNode t = d.raw().get("threshold");
        if (t == null || t.isNull()) return dflt;
        Double v = t.isNumber() ? Double.valueOf(t.asDouble()) : parseDouble(t.asText());
        if (v != null && v > 0 && v <= max) return v;
        d.error("threshold", "must be a number above 0 and at most " + max + ", like " + example + " (got " + t + ")");
        return dflt;
    }

    private static @Nullable Double parseDouble(String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Top-level {@code silences}: one-off ({@code startsAt}/{@code endsAt}) or recurring ({@code start}/{@code duration}). */
    static List<Silence> silences(ConfigNode root, Duration maxSilence) {
        List<ConfigNode> items = root.list(SILENCES.name());
        List<Silence> out = new ArrayList<>();
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            ConfigNode s = items.get(i);
            if (!s.requireObject()) continue;
            s.allowOnly(SILENCES);
            if (!s.has("matchers")) s.error("matchers", Silence.MATCHERS_REQUIRED);
            SourceMatcher matcher = matcher(s.object("matchers"));
            if (s.has("matchers") && matcher.equals(SourceMatcher.ANY)) s.error("matchers", Silence.MATCHERS_REQUIRED);
            String comment = SILENCE_COMMENT.read(s);
            SilenceWindow window;
            if (s.has("startsAt") || s.has("endsAt")) {
                Long from = instant(s, "startsAt"), to = instant(s, "endsAt");
                if (s.has("start") || s.has("duration") || s.has("days"))
                    s.error("startsAt", "give either startsAt/endsAt (one window) or start/duration/days (recurring), not both");
                if (from == null || to == null) continue;
                if (to <= from) {
                    s.error("endsAt", "must be after startsAt");
                    continue;
                }
                if (to - from > maxSilence.toMillis()) {
                    s.error("endsAt", "the window is longer than detection.maxSilenceDuration ("
                            + DurationSyntax.format(maxSilence) + "); split it, or raise that limit");
                    continue;
                }
                window = new SilenceWindow.Once(from, to);
            } else {
                LocalTime start = null;
                String st = s.requiredString("start", "required: a local time like \"02:00\" (or startsAt/endsAt for one window)");
                if (st != null) {
                    try {
                        start = LocalTime.parse(st.trim());
                    } catch (DateTimeParseException e) {
                        s.error("start", "must be a local time like 02:00 or 23:30:00 (got \"" + st + "\")");
                    }
                }
                Duration duration = SILENCE_DURATION.read(s);
                if (duration == null && !s.has("duration")) s.error("duration", "required: how long each window lasts, like 2h");
                else if (duration != null && duration.compareTo(Duration.ofDays(7)) > 0) {
                    s.error("duration", "must be at most 7d");
                    duration = null;
                }
                Set<DayOfWeek> days = days(s);
                ZoneId zone = java.time.ZoneOffset.UTC;
                String z = SILENCE_TIME_ZONE.read(s);
                if (z != null) {
                    try {
                        zone = ZoneId.of(z.trim());
                    } catch (RuntimeException e) {
                        s.error("timeZone", "must be a time zone id like UTC or Europe/Paris (got \"" + z + "\")");
                    }
                }
                if (start == null || duration == null) continue;
                window = new SilenceWindow.Weekly(days, start, duration, zone);
            }
            out.add(new Silence("config-" + (i + 1), matcher, window, comment, "config"));
        }
        return out;
    }

    private static Set<DayOfWeek> days(ConfigNode s) {
        List<ConfigNode> items = s.list("days");
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        if (items == null) return days;
        for (ConfigNode d : items) {
            String text = d.raw().isValueNode() ? d.raw().asText().trim().toLowerCase(Locale.ROOT) : "";
            DayOfWeek day = null;
            for (DayOfWeek w : DayOfWeek.values()) {
                String full = w.name().toLowerCase(Locale.ROOT);
                if (text.length() >= 3 && full.startsWith(text)) day = w;
            }
            if (day == null) d.error(null, "must be a day of the week like mon, tue, … sun (got " + d.raw() + ")");
            else days.add(day);
        }
        return days;
    }

    private static @Nullable Long instant(ConfigNode n, String key) {
        String s = n.requiredString(key, "required: an ISO-8601 time like 2026-01-01T02:00:00Z");
        if (s == null) return null;
        try {
            return Instant.parse(s.trim()).toEpochMilli();
        } catch (DateTimeParseException e) {
            n.error(key, "must be an ISO-8601 time like 2026-01-01T02:00:00Z (got \"" + s + "\")");
            return null;
        }
    }

    private static SourceMatcher matcher(ConfigNode m) {
        m.allowOnly(SILENCE_MATCHERS); // the same two keys as dependencies[].child
        return new SourceMatcher(m.name("eventName", null), m.name("sourceName", null));
    }

    /** Top-level {@code dependencies}: {@code - child: {eventName, sourceName}, parent: {eventName, sourceName}}. */
    static List<Dependency> dependencies(ConfigNode root) {
        List<ConfigNode> items = root.list(DEPENDENCIES.name());
        List<Dependency> out = new ArrayList<>();
        if (items == null) return out;
        for (int i = 0; i < items.size(); i++) {
            ConfigNode d = items.get(i);
            if (!d.requireObject()) continue;
            d.allowOnly(DEPENDENCIES);
            if (!d.has("child")) d.error("child", "required: {eventName, sourceName} of the dependent sources (sourceName may end with *)");
            if (!d.has("parent")) d.error("parent", "required: {eventName, sourceName} of the source they depend on");
            SourceMatcher child = matcher(d.object("child"));
            ConfigNode p = d.object("parent");
            p.allowOnly(DEPENDENCY_PARENT);
            String pe = d.has("parent") ? p.name("eventName", "required: the parent's eventName") : null;
            String ps = d.has("parent") ? p.name("sourceName", "required: the parent's sourceName (exact)") : null;
            if (ps != null && ps.endsWith("*")) {
                p.error("sourceName", "must name one source exactly (wildcards are for the child)");
                ps = null;
            }
            if (pe != null && ps != null && d.has("child")) {
                out.add(new Dependency("config-" + (i + 1), child, new SourceKey(pe, ps), "config"));
            }
        }
        DependencyCycles.find(out).ifPresent(cycle -> root.error("dependencies", "form a cycle: "
                + DependencyCycles.describe(cycle) + "; each source's ONSET would be held behind the other's forever. "
                + "Remove one of these rules"));
        return out;
    }
}

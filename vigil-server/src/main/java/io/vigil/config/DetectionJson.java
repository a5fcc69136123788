package io.vigil.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dependency.Dependency;
import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.engine.SourceKey;
import io.vigil.json.JsonMappers;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The normalized JSON of the detection-quality keys, in the shape {@link DetectionConfigReader} reads back. Also used
 * by the HTTP API for silences and dependencies.
 */
public final class DetectionJson {
    private DetectionJson() {
    }

    static void rules(ObjectNode monitor, DetectionRules r) {
        ObjectNode d = monitor.putObject("detector");
        d.put("type", r.detector().type());
        if (r.detector() instanceof DetectorSpec.PhiAccrual p) {
            d.put("threshold", p.threshold());
            d.put("window", p.window());
            d.put("minStdDev", DurationSyntax.format(p.minStdDev()));
            d.put("acceptablePause", DurationSyntax.format(p.acceptablePause()));
        } else if (r.detector() instanceof DetectorSpec.Adaptive a) {
            d.put("threshold", a.threshold());
        }
        ArrayNode expected = monitor.putArray("expectedSources");
        r.expectedSources().forEach(expected::add);
        monitor.put("recoveryHeartbeats", r.recoveryHeartbeats());
        if (r.flapping() != null) {
            ObjectNode f = monitor.putObject("flapping");
            f.put("changes", r.flapping().changes());
            f.put("window", DurationSyntax.format(r.flapping().window()));
        }
    }

    static void silences(ArrayNode arr, Iterable<Silence> silences) {
        for (Silence s : silences) {
            arr.add(JsonMappers.MAPPER.valueToTree(new ConfigSilence(Matcher.of(s.matcher()), s.comment(), Window.of(s.window()))));
        }
    }

    static void dependencies(ArrayNode arr, Iterable<Dependency> deps) {
        for (Dependency d : deps) {
            arr.add(JsonMappers.MAPPER.valueToTree(new ConfigDependency(Matcher.of(d.child()), Parent.of(d.parent()))));
        }
    }

    /** A silence of the config: the window's fields in line after the comment. */
    record ConfigSilence(Matcher matchers, @JsonInclude(Include.NON_NULL) String comment, @JsonUnwrapped Window window) {
    }

    /** A dependency of the config. */
    record ConfigDependency(Matcher child, Parent parent) {
    }

    /** A matcher as {@code {"eventName": …, "sourceName": …}}, omitted names left out. */
    public record Matcher(@JsonInclude(Include.NON_NULL) String eventName, @JsonInclude(Include.NON_NULL) String sourceName) {
        public static Matcher of(SourceMatcher m) {
            return new Matcher(m.eventName(), m.sourceName());
        }
    }

    /** A dependency's parent: one source, both names exact. */
    public record Parent(String eventName, String sourceName) {
        public static Parent of(SourceKey k) {
            return new Parent(k.eventName(), k.sourceName());
        }
    }

    /**
     * A silence window, written in line in the silence (with {@code @JsonUnwrapped}): a one-off window as
     * {@code startsAt}, {@code endsAt} (ISO-8601); a weekly one as {@code days}, {@code start}, {@code duration} (the
     * duration syntax the config reads, not ISO-8601), {@code timeZone}. The other kind's fields are left out.
     */
    public record Window(@JsonInclude(Include.NON_NULL) String startsAt, @JsonInclude(Include.NON_NULL) String endsAt,
                         @JsonInclude(Include.NON_NULL) List<String> days, @JsonInclude(Include.NON_NULL) String start,
                         @JsonInclude(Include.NON_NULL) String duration, @JsonInclude(Include.NON_NULL) String timeZone) {
        public static Window of(SilenceWindow window) {
            return switch (window) {
                case SilenceWindow.Once o -> new Window(Instant.ofEpochMilli(o.startsAt()).toString(),
                        Instant.ofEpochMilli(o.endsAt()).toString(), null, null, null, null);
                case SilenceWindow.Weekly w -> new Window(null, null,
                        w.days().stream().map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT)).toList(),
                        w.start().toString(), DurationSyntax.format(w.duration()), w.zone().getId());
            };
        }
    }
}

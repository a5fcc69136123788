package io.vigil.config;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.dependency.Dependency;
import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import java.time.DayOfWeek;
import java.time.Instant;
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
            ObjectNode n = arr.addObject();
            matcher(n.putObject("matchers"), s.matcher());
            if (s.comment() != null) n.put("comment", s.comment());
            switch (s.window()) {
                case SilenceWindow.Once o -> {
                    n.put("startsAt", Instant.ofEpochMilli(o.startsAt()).toString());
                    n.put("endsAt", Instant.ofEpochMilli(o.endsAt()).toString());
                }
                case SilenceWindow.Weekly w -> {
                    ArrayNode days = n.putArray("days");
                    for (DayOfWeek day : w.days()) days.add(day.name().substring(0, 3).toLowerCase(Locale.ROOT));
                    n.put("start", w.start().toString());
                    n.put("duration", DurationSyntax.format(w.duration()));
                    n.put("timeZone", w.zone().getId());
                }
            }
        }
    }

    static void dependencies(ArrayNode arr, Iterable<Dependency> deps) {
        for (Dependency d : deps) {
            ObjectNode n = arr.addObject();
            matcher(n.putObject("child"), d.child());
            n.putObject("parent").put("eventName", d.parent().eventName()).put("sourceName", d.parent().sourceName());
        }
    }

    /** A matcher as {@code {"eventName": …, "sourceName": …}}, omitted names left out. */
    public static void matcher(ObjectNode n, SourceMatcher m) {
        if (m.eventName() != null) n.put("eventName", m.eventName());
        if (m.sourceName() != null) n.put("sourceName", m.sourceName());
    }
}

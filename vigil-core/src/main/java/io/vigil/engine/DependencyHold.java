package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wording of an ONSET held by a {@link io.vigil.dependency.Dependency}, in one place: the engine writes it into
 * the reasons of its change events ({@code "…; held: parent Heartbeat_site/site-a is MISSING"}) and the held-events
 * API reads the parent back out of a stored reason, since {@code held_events} has no column of its own for it.
 * Stateless and thread-safe.
 */
public final class DependencyHold {
    static final String MISSING = "is MISSING";
    static final String OVERDUE = "is overdue";
    static final String RECOVERED = "recovered; waiting one threshold for this source";

    /**
     * "held: parent K …" in a held ONSET, "held (parent K …)" in the ABATED of a held outage. Lazy, so a
     * sourceName is cut at the first of the endings the engine writes.
     */
    private static final Pattern PARENT = Pattern.compile("held(?:: | \\()parent (.+?) (?:is MISSING|is overdue|recovered;)");

    private DependencyHold() {
    }

    /** The hold reason for a child of {@code parent}; {@code state} is one of the constants above. */
    static String reason(SourceKey parent, String state) {
        return "parent " + parent + " " + state;
    }

    /**
     * The parent ({@code eventName/sourceName}, as {@link SourceKey#toString()}) named by a change event's reason when
     * a dependency held it, else null.
     */
    public static @Nullable String parentIn(@Nullable String reason) {
        if (reason == null) return null;
        Matcher m = PARENT.matcher(reason);
        return m.find() ? m.group(1) : null;
    }
}

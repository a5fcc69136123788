package io.vigil.silence;

import io.vigil.engine.SourceKey;
import java.util.Objects;

/**
 * A maintenance window: while it is active, change events of the sources it matches are recorded but not published,
 * except an ABATED whose ONSET was published (always delivered). A source still MISSING when the silence ends gets
 * its ONSET then.
 *
 * @param id      stable id (a UUID for silences made through the API, {@code config-N} for those in the config)
 * @param matcher the sources it covers
 * @param window  when it applies
 * @param comment why (free text, may be null)
 * @param origin  {@code api} or {@code config}
 */
public record Silence(String id, SourceMatcher matcher, SilenceWindow window, String comment, String origin) {

    /**
     * Why a silence without matchers is refused (API and config): muting every ONSET must be said on purpose, with an
     * explicit {@code *}, never by leaving the matchers out.
     */
    public static final String MATCHERS_REQUIRED = "required: the eventName and/or sourceName of the sources to "
            + "silence (a trailing * matches a prefix); to silence every source, say so with eventName \"*\"";

    public Silence {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(matcher, "matcher");
        Objects.requireNonNull(window, "window");
        if (origin == null) origin = "api";
    }

    public boolean covers(SourceKey key, long millis) {
        return window.activeAt(millis) && matcher.matches(key);
    }
}

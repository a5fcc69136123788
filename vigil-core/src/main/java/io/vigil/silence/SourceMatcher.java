package io.vigil.silence;

import io.vigil.engine.SourceKey;

/**
 * Selects sources by eventName and sourceName. A null (omitted) matcher or {@code *} matches any name; a name ending
 * with {@code *} matches every name starting with what comes before it; any other name matches itself exactly.
 *
 * @param eventName  eventName pattern, or null for any
 * @param sourceName sourceName pattern, or null for any
 */
public record SourceMatcher(String eventName, String sourceName) {

    public static final SourceMatcher ANY = new SourceMatcher(null, null);

    public SourceMatcher {
        if (eventName != null && eventName.isBlank()) eventName = null;
        if (sourceName != null && sourceName.isBlank()) sourceName = null;
    }

    public boolean matches(SourceKey key) {
        return matches(eventName, key.eventName()) && matches(sourceName, key.sourceName());
    }

    public boolean matchesEventName(String name) {
        return matches(eventName, name);
    }

    static boolean matches(String pattern, String name) {
        if (pattern == null) return true;
        if (pattern.endsWith("*")) return name.startsWith(pattern.substring(0, pattern.length() - 1));
        return pattern.equals(name);
    }

    @Override
    public String toString() {
        return (eventName == null ? "*" : eventName) + "/" + (sourceName == null ? "*" : sourceName);
    }
}

package io.vigil.store.deadletter;

/**
 * What the store's columns can hold, checked before writing so that a row known to fail is dead-lettered without a
 * failed transaction. Names ({@code event_name}, {@code source_name}) are {@code VARCHAR(255)}; NUL cannot be stored
 * in PostgreSQL text; a lone UTF-16 surrogate would be stored as '?' (two names collapsing into one).
 */
public final class StoreLimits {
    /** The width of the name columns. */
    public static final int NAME_LENGTH = 255;

    private StoreLimits() {
    }

    /** Why the pair cannot be stored as a source key, or null when it can. */
    public static String keyProblem(String eventName, String sourceName) {
        String p = fieldProblem("eventName", eventName);
        return p != null ? p : fieldProblem("sourceName", sourceName);
    }

    private static String fieldProblem(String field, String value) {
        if (value == null) return field + " is null";
        if (value.length() > NAME_LENGTH) return field + " is " + value.length() + " characters; the store holds at most " + NAME_LENGTH;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) return field + " contains NUL (U+0000) at index " + i;
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return field + " contains a lone UTF-16 surrogate at index " + i;
            }
            if (Character.isLowSurrogate(c)) return field + " contains a lone UTF-16 surrogate at index " + i;
        }
        return null;
    }
}

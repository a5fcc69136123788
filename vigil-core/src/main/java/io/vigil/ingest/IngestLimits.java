package io.vigil.ingest;

/**
 * What ingest takes at the door, on every channel (YAML section {@code limits}, see docs/configuration.md).
 *
 * <p>A name that breaks the rule is refused before it reaches the engine or the store, so no single heartbeat can
 * make a later store write fail (a name longer than the column, say) and block the alarm path behind it.
 *
 * @param nameLength          longest {@code eventName} and {@code sourceName}, in UTF-16 code units (a character
 *                            outside the Basic Multilingual Plane counts twice), 1 to {@value #MAX_NAME_LENGTH}
 *                            (the store's column size); default {@value #MAX_NAME_LENGTH}
 * @param maxSources          most sources tracked at once, all monitors together; a heartbeat of a new source past it
 *                            is refused, known sources keep working; default 2,000,000
 * @param newSourcesPerSecond most new sources taken per second (a token bucket holding one second's worth); a new
 *                            source past it is refused; default 10,000
 */
public record IngestLimits(int nameLength, long maxSources, int newSourcesPerSecond) {
    /** The size of the name columns in the store ({@code VARCHAR(255)}): a longer name could not be written. */
    public static final int MAX_NAME_LENGTH = 255;
    public static final long DEFAULT_MAX_SOURCES = 2_000_000;
    public static final int DEFAULT_NEW_SOURCES_PER_SECOND = 10_000;
    public static final IngestLimits DEFAULTS =
            new IngestLimits(MAX_NAME_LENGTH, DEFAULT_MAX_SOURCES, DEFAULT_NEW_SOURCES_PER_SECOND);

    public IngestLimits {
        if (nameLength < 1 || nameLength > MAX_NAME_LENGTH)
            throw new IllegalArgumentException("limits.nameLength must be 1.." + MAX_NAME_LENGTH + ", got " + nameLength);
        if (maxSources < 1) throw new IllegalArgumentException("limits.maxSources must be at least 1, got " + maxSources);
        if (newSourcesPerSecond < 1)
            throw new IllegalArgumentException("limits.newSourcesPerSecond must be at least 1, got " + newSourcesPerSecond);
    }

    /**
     * What is wrong with {@code name} as an eventName or sourceName, or null when it is usable: empty, longer than
     * {@link #nameLength}, or holding a character that is not printable. Not printable are control characters
     * (NUL, newline, ESC of ANSI escape sequences, C1 controls), format characters (zero-width and bidirectional
     * marks, which make two names look alike), line and paragraph separators, and lone UTF-16 surrogates (which the
     * store could only write as {@code ?}, so distinct names would collapse into one). Letters of every script,
     * digits, punctuation, symbols, emoji and the plain space are fine.
     */
    public String nameProblem(String name) {
        if (name.isEmpty()) return "required";
        if (name.length() > nameLength)
            return "longer than limits.nameLength (" + name.length() + " > " + nameLength + " characters)";
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x20 && c < 0x7f) continue; // printable ASCII: the usual case, checked without a lookup
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, name.charAt(++i));
                if (!printable(cp)) return notPrintable(cp, i - 1);
            } else if (Character.isSurrogate(c)) {
                return "a lone UTF-16 surrogate (U+" + hex(c) + ") at character " + i + " is not a character";
            } else if (!printable(c)) {
                return notPrintable(c, i);
            }
        }
        return null;
    }

    private static boolean printable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE -> false;
            default -> true;
        };
    }

    private static String notPrintable(int cp, int at) {
        return "holds the non-printable character U+" + hex(cp) + " at character " + at + " (only printable Unicode is taken)";
    }

    private static String hex(int cp) {
        String h = Integer.toHexString(cp).toUpperCase();
        return "0".repeat(Math.max(0, 4 - h.length())) + h;
    }
}

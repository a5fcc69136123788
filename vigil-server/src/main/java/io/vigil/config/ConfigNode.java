package io.vigil.config;

import org.jspecify.annotations.Nullable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A cursor over one object of a parsed config document that knows its key path and records every
 * problem in a shared error list instead of throwing, so that a whole document is checked in one pass.
 * Typed getters return the default (or null) after recording an error, and accept numbers written as
 * strings ("300") because ONAP writes them that way. Not thread-safe; one per load.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final List<ConfigError> errors;
    private final int[] nameLength; // shared by the nodes of one document: the limit of limits.nameLength

    ConfigNode(JsonNode node, String path, List<ConfigError> errors) {
        this(node, path, errors, new int[] {ConfigLoader.MAX_NAME_LENGTH});
    }

    private ConfigNode(JsonNode node, String path, List<ConfigError> errors, int[] nameLength) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.errors = errors;
        this.nameLength = nameLength;
    }

    /** Names read from now on, in this node and every node of its document, may have at most {@code max} characters. */
    void limitNames(int max) {
        nameLength[0] = max;
    }

    String path() {
        return path;
    }

    /** The shared error list, for a reader that starts a new document (ONAP's embedded heartbeat_config). */
    List<ConfigError> errors() {
        return errors;
    }

    JsonNode raw() {
        return node;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void error(@Nullable String key, String reason) {
        errors.add(new ConfigError(key == null ? path : pathOf(key), reason));
    }

    /** True when the key is present with a non-null value. */
    boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    private JsonNode value(String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v;
    }

    /** An insertion-ordered key set, so that error messages list keys as the docs do. */
    static Set<String> keys(String... keys) {
        return new java.util.LinkedHashSet<>(List.of(keys));
    }

    /** Reports every key not declared under {@code section} ({@link ConfigKeys}), with a typo hint. */
    void allowOnly(ConfigKey<?> section) {
        allowOnly(section.names());
    }

    /** Reports every key that is not one of the keys of this {@code variant} of {@code section} (its {@code type}). */
    void allowOnly(ConfigKey<?> section, String variant) {
        allowOnly(section.namesFor(variant));
    }

    /** Reports every key not in {@code known}, suggesting the closest known key (typos must not pass). */
    void allowOnly(Set<String> known) {
        if (!node.isObject()) return;
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (known.contains(key)) continue;
            String hint = closest(key, known);
            error(key, "unknown key" + (hint == null ? "" : " (did you mean \"" + hint + "\"?)")
                    + "; known keys here: " + String.join(", ", known));
        }
    }

    /** The object under {@code key}; an empty node when absent; an error when it is not an object. */
    ConfigNode object(String key) {
        JsonNode v = value(key);
        if (v != null && !v.isObject()) {
            error(key, "must be a mapping of keys (got " + describe(v) + ")");
            v = null;
        }
        return new ConfigNode(v, pathOf(key), errors, nameLength);
    }

    /** The elements of the list under {@code key}; null when absent; an error when it is not a list. */
    @Nullable List<ConfigNode> list(String key) {
        JsonNode v = value(key);
        if (v == null) return null;
        if (!v.isArray()) {
            error(key, "must be a list (got " + describe(v) + ")");
            return null;
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) out.add(new ConfigNode(v.get(i), pathOf(key) + "[" + i + "]", errors, nameLength));
        return out;
    }

    /** True when this node is a mapping; records an error otherwise (for list elements). */
    boolean requireObject() {
        if (node.isObject()) return true;
        error(null, "must be a mapping of keys (got " + describe(node) + ")");
        return false;
    }

    @Nullable String string(String key) {
        JsonNode v = value(key);
        if (v == null) return null;
        if (!v.isValueNode()) {
            error(key, "must be a text value (got " + describe(v) + ")");
            return null;
        }
        return v.asText();
    }

    String requiredString(String key, String reasonWhenMissing) {
        String s = string(key);
        if (s == null && !has(key)) error(key, reasonWhenMissing);
        else if (s != null && s.isBlank()) {
            error(key, "must not be empty");
            return null;
        }
        return s;
    }

    /**
     * A name (eventName, sourceName or a pattern of them): text of at most {@code limits.nameLength} characters
     * (default and most {@link ConfigLoader#MAX_NAME_LENGTH}, see {@link #limitNames}), the limit ingest applies, so a config never names a source no heartbeat could carry.
     * Null (error recorded) when too long, absent-and-required, or not text.
     */
    String name(String key, String reasonWhenMissing) {
        String s = reasonWhenMissing == null ? string(key) : requiredString(key, reasonWhenMissing);
        return s != null && !nameFits(key, s) ? null : s;
    }

    /** Records an error under {@code key} (null: this node) and returns false when {@code name} is too long. */
    boolean nameFits(String key, String name) {
        if (name.length() <= nameLength[0]) return true;
        error(key, "longer than " + nameLength[0] + " characters (" + name.length()
                + "); names are limited as at ingest (limits.nameLength)");
        return false;
    }

    /** An http(s) URL, or null (error recorded) when absent-and-required or malformed. */
    @Nullable String url(String key, @Nullable String reasonWhenMissing) {
        String s = reasonWhenMissing == null ? string(key) : requiredString(key, reasonWhenMissing);
        if (s == null) return null;
        try {
            URI uri = new URI(s.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            // getAuthority, not getHost: java.net.URI has no host for names with '_' that DNS tolerates.
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getAuthority() != null) return s.trim();
        } catch (Exception malformed) {
            // reported below with the expected form
        }
        error(key, "must be an http:// or https:// URL with a host (got \"" + s + "\")");
        return null;
    }

    @Nullable Integer integer(String key, @Nullable Integer dflt, long min, long max) {
        JsonNode v = value(key);
        if (v == null) return dflt;
        Long n = v.isIntegralNumber() ? Long.valueOf(v.asLong()) : v.isTextual() ? parseLong(v.asText()) : null;
        if (n == null || n < min || n > max) {
            error(key, "must be an integer from " + min + " to " + max + " (got " + describe(v) + ")");
            return dflt;
        }
        return n.intValue();
    }

    /** A byte count: an integer, or a number with KiB / MiB / GiB (also KB / MB / GB, read as powers of 1024). */
    Long bytes(String key, long dflt) {
        JsonNode v = value(key);
        if (v == null) return dflt;
        Long n = v.isIntegralNumber() ? Long.valueOf(v.asLong()) : v.isTextual() ? parseBytes(v.asText()) : null;
        if (n == null || n <= 0) {
            error(key, "must be a positive byte count like 1048576, 512KiB, 1MiB (got " + describe(v) + ")");
            return dflt;
        }
        return n;
    }

    /** A duration in {@link DurationSyntax}; {@code allowZero} for grace-like settings. */
    @Nullable Duration duration(String key, @Nullable Duration dflt, boolean allowZero) {
        JsonNode v = value(key);
        if (v == null) return dflt;
        Duration d = v.isNumber() || v.isTextual() ? DurationSyntax.parse(v.asText()) : null;
        if (d == null || d.isNegative() || (!allowZero && d.isZero())) {
            error(key, (allowZero ? "must be a duration of 0 or more like 0s, 500ms, 2s, 5m"
                    : "must be a positive duration like 500ms, 2s, 5m") + " (got " + describe(v) + ")");
            return dflt;
        }
        return d;
    }

    /** true/false, also "True"/"False"/"yes"/"no" as text (ONAP writes "True"). */
    @Nullable Boolean bool(String key, @Nullable Boolean dflt) {
        JsonNode v = value(key);
        if (v == null) return dflt;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isTextual()) {
            switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return true; }
                case "false", "no", "off" -> { return false; }
                default -> { }
            }
        }
        error(key, "must be true or false (got " + describe(v) + ")");
        return dflt;
    }

    /** One of {@code options} (case-insensitive), returned in the case of the option. */
    @Nullable String oneOf(String key, @Nullable String dflt, List<String> options) {
        String s = string(key);
        if (s == null) return dflt;
        for (String o : options) if (o.equalsIgnoreCase(s.trim())) return o;
        error(key, "must be one of " + String.join(", ", options) + " (got \"" + s + "\")");
        return dflt;
    }

    /** A flat mapping of text values (numbers and booleans are turned into text); empty when absent. */
    Map<String, String> stringMap(String key) {
        ConfigNode obj = object(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (!obj.node.isObject()) return out;
        obj.node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            if (v.isValueNode() && !v.isNull()) out.put(e.getKey(), v.asText());
            else obj.error(e.getKey(), "must be a text value (got " + describe(v) + ")");
        });
        return out;
    }

    static String describe(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        if (v.isNull()) return "null";
        if (v.isObject()) return "a mapping";
        if (v.isArray()) return "a list";
        return "\"" + v.asText() + "\"";
    }

    private static @Nullable Long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static @Nullable Long parseBytes(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long unit = 1;
        for (String[] u : new String[][] {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
                {"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"B", "1"}}) {
            if (t.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        Long n = parseLong(t);
        try {
            return n == null ? null : Math.multiplyExact(n, unit);
        } catch (ArithmeticException tooLarge) {
            return null;
        }
    }

    private static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = 3; // more than two edits away is not a typo
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}

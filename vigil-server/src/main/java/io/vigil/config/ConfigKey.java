package io.vigil.config;

import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One key of Vigil's YAML, declared once in {@link ConfigKeys}: its name and place (path), how it is read and validated
 * (the {@link ConfigNode} getter behind {@link #read}), its documentation (type, default and meaning: the row of
 * docs/configuration.md, generated from here), and its reload policy.
 *
 * <p>A key is either a value (a row of the docs) or a section: a mapping ({@code http}), a list of mappings
 * ({@code monitors[]}) or a mapping of named mappings ({@code actions.<name>}). A section's children are the keys its
 * readers accept ({@link #names()}); anything else is reported as an unknown key with a typo hint. A key may belong to
 * some variants of its section only ({@link #only}: {@code publish[].headers} is a key of webhooks), and
 * {@link #namesFor} gives a variant's keys. Some keys are values and sections at once ({@code collect.eventQueue} is
 * {@code store}, {@code none} or a mapping).
 *
 * <p>Reload: a key is {@link Reload#LIVE} unless it or a section above it is {@link Reload#RESTART}; a reload that
 * changes a restart key lists it in {@code restartNeeded} ({@link ConfigDiff}).
 *
 * <p>Declarations are built once, while {@link ConfigKeys} initialises, and are immutable afterwards; thread-safe.
 *
 * @param <T> what {@link #read} returns
 */
public final class ConfigKey<T> {

    /** When a changed value takes effect. */
    public enum Reload {
        /** Applied by a reload. */
        LIVE,
        /** Read at startup only: a reload that changes it lists it in {@code restartNeeded} and otherwise ignores it. */
        RESTART
    }

    /** How a section holds its children. */
    enum Shape {
        VALUE(""), MAPPING("."), LIST("[]."), NAMED(".<name>.");

        final String childSeparator;

        Shape(String childSeparator) {
            this.childSeparator = childSeparator;
        }
    }

    /** Reads the key {@code name} from the mapping {@code parent}, recording problems in its error list. */
    @FunctionalInterface
    interface Reader<T> {
        @Nullable T read(ConfigNode parent, String name);
    }

    private final @Nullable ConfigKey<?> parent;
    private final String name;
    private final String path;
    private final @Nullable Reader<T> reader;
    private final List<ConfigKey<?>> children = new ArrayList<>();
    private final Set<String> variants = new LinkedHashSet<>();
    private Shape shape = Shape.VALUE;
    private @Nullable String type;
    private @Nullable String defaultText;
    private @Nullable String doc;
    private @Nullable Reload reload;
    private @Nullable String restartAs;
    private @Nullable String table;
    private boolean detached;

    private ConfigKey(@Nullable ConfigKey<?> parent, String name, String path, @Nullable Reader<T> reader) {
        this.parent = parent;
        this.name = name;
        this.path = path;
        this.reader = reader;
    }

    /** The root of a declaration tree (the document itself). */
    static ConfigKey<Void> root() {
        ConfigKey<Void> root = new ConfigKey<>(null, "", "", null);
        root.shape = Shape.MAPPING;
        root.reload = Reload.LIVE;
        return root;
    }

    /**
     * A scope of keys that appears in several places under one name, documented once with {@code path} as its prefix
     * (the checks of datasources and entities: {@code ….check}). It is not a child of its declaring tree's sections.
     */
    ConfigKey<Void> detachedScope(String path, String table) {
        ConfigKey<Void> scope = new ConfigKey<>(this, path, path, null);
        scope.shape = Shape.MAPPING;
        scope.detached = true;
        scope.table = table;
        children.add(scope);
        return scope;
    }

    // ------------------------------------------------------------------ declaring children

    private <V> ConfigKey<V> add(String childName, @Nullable Reader<V> childReader) {
        for (ConfigKey<?> c : children) {
            if (!c.detached && c.name.equals(childName)) throw new IllegalStateException("declared twice: " + childPath(childName));
        }
        ConfigKey<V> key = new ConfigKey<>(this, childName, childPath(childName), childReader);
        children.add(key);
        return key;
    }

    private String childPath(String childName) {
        if (parent == null) return childName;
        return path + (shape == Shape.VALUE ? "." : shape.childSeparator) + childName;
    }

    /** A mapping of keys ({@code http}). */
    ConfigKey<Void> section(String childName) {
        ConfigKey<Void> s = add(childName, null);
        s.shape = Shape.MAPPING;
        return s;
    }

    /** A list of mappings ({@code monitors[]}). */
    ConfigKey<Void> list(String childName) {
        ConfigKey<Void> s = add(childName, null);
        s.shape = Shape.LIST;
        return s;
    }

    /** A mapping of named mappings ({@code actions.<name>}). */
    ConfigKey<Void> named(String childName) {
        ConfigKey<Void> s = add(childName, null);
        s.shape = Shape.NAMED;
        return s;
    }

    /** A value its reader reads itself (a list of words, a file, a key with cross-checks), using {@link #name()}. */
    ConfigKey<Void> value(String childName) {
        return add(childName, null);
    }

    /** A value that may also be a mapping of the keys declared under it ({@code collect.eventQueue}). */
    ConfigKey<Void> valueOrSection(String childName) {
        ConfigKey<Void> s = add(childName, null);
        s.shape = Shape.MAPPING;
        return s;
    }

    ConfigKey<Integer> integer(String childName, long min, long max, @Nullable Integer dflt) {
        return add(childName, (n, k) -> n.integer(k, dflt, min, max));
    }

    ConfigKey<Long> bytes(String childName, long dflt) {
        return add(childName, (n, k) -> n.bytes(k, dflt));
    }

    /** A positive duration. */
    ConfigKey<Duration> duration(String childName, @Nullable Duration dflt) {
        return add(childName, (n, k) -> n.duration(k, dflt, false));
    }

    /** A duration of 0 or more. */
    ConfigKey<Duration> durationOrZero(String childName, @Nullable Duration dflt) {
        return add(childName, (n, k) -> n.duration(k, dflt, true));
    }

    ConfigKey<Boolean> bool(String childName, @Nullable Boolean dflt) {
        return add(childName, (n, k) -> n.bool(k, dflt));
    }

    /** One of {@code options}, case-insensitive; {@code dflt} when absent (null: the reader reports it missing). */
    ConfigKey<String> oneOf(String childName, @Nullable String dflt, String... options) {
        List<String> list = List.of(options);
        return add(childName, (n, k) -> n.oneOf(k, dflt, list));
    }

    /**
     * One of an enum's constants by its YAML spelling ({@code wire}), case-insensitive, with the same error as
     * {@link #oneOf(String, String, String...)}; {@code dflt} when absent (null: the reader reports it missing).
     */
    <E extends Enum<E>> ConfigKey<E> oneOf(String childName, @Nullable E dflt, Class<E> type, java.util.function.Function<E, String> wire) {
        E[] values = type.getEnumConstants();
        List<String> names = java.util.Arrays.stream(values).map(wire).toList();
        return add(childName, (n, k) -> {
            String s = n.oneOf(k, dflt == null ? null : wire.apply(dflt), names);
            if (s == null) return null;
            for (E e : values) if (wire.apply(e).equals(s)) return e;
            return dflt;
        });
    }

    ConfigKey<String> text(String childName) {
        return add(childName, ConfigNode::string);
    }

    /** An optional http(s) URL. */
    ConfigKey<String> url(String childName) {
        return add(childName, (n, k) -> n.url(k, null));
    }

    /** A flat mapping of text values ({@code headers}, {@code properties}); empty when absent. */
    ConfigKey<java.util.Map<String, String>> textMap(String childName) {
        return add(childName, ConfigNode::stringMap);
    }

    // ------------------------------------------------------------------ documenting

    /** The row of docs/configuration.md: type, default and meaning, as Markdown. */
    ConfigKey<T> doc(String typeText, String defaultMarkdown, String meaning) {
        this.type = typeText;
        this.defaultText = defaultMarkdown;
        this.doc = meaning;
        return this;
    }

    /** Read at startup only (and so is everything under it). */
    ConfigKey<T> restart() {
        this.reload = Reload.RESTART;
        return this;
    }

    /** Read at startup only, reported in {@code restartNeeded} under {@code name} (a section read with another). */
    ConfigKey<T> restartAs(String reportedName) {
        this.reload = Reload.RESTART;
        this.restartAs = reportedName;
        return this;
    }

    /** Lists this section's keys in the docs table {@code docTable} instead of its own. */
    ConfigKey<T> inTable(String docTable) {
        this.table = docTable;
        return this;
    }

    /** A key of these variants of its section only (the section's {@code type}). */
    ConfigKey<T> only(String... variantNames) {
        variants.addAll(List.of(variantNames));
        return this;
    }

    // ------------------------------------------------------------------ reading

    /** Reads this key from its parent mapping; the reader's error list gets every problem. */
    @Nullable T read(ConfigNode parentNode) {
        if (reader == null) throw new IllegalStateException(path + " is read by its reader, not by a declaration");
        return reader.read(parentNode, name);
    }

    /** The names of this section's keys, in declaration order (the order of "known keys here"). */
    public Set<String> names() {
        return namesFor(null);
    }

    /** The names of the keys of one variant ({@link #only}) of this section; every key for null. */
    public Set<String> namesFor(@Nullable String variant) {
        Set<String> out = new LinkedHashSet<>();
        for (ConfigKey<?> c : children) {
            if (c.detached) continue;
            if (variant != null && !c.variants.isEmpty() && !c.variants.contains(variant)) continue;
            out.add(c.name);
        }
        if (variant != null && out.isEmpty()) throw new IllegalArgumentException("no keys declared for " + variant + " in " + path);
        return out;
    }

    // ------------------------------------------------------------------ describing

    /** The key's name in its mapping. */
    public String name() {
        return name;
    }

    /** The full path as the docs and error messages write it: {@code http.port}, {@code monitors[].eventName}. */
    public String path() {
        return path;
    }

    /** True for a value that has a row in the docs (sections have none, unless they are values too). */
    public boolean isDocumented() {
        return type != null;
    }

    /** True for a mapping, list or mapping of mappings of keys. */
    public boolean isSection() {
        return shape != Shape.VALUE;
    }

    /** The type as the docs write it (Markdown), or null for a section without a row. */
    public @Nullable String type() {
        return type;
    }

    /** The default as the docs write it (Markdown), {@code —} for none; null for a section without a row. */
    public @Nullable String defaultText() {
        return defaultText;
    }

    /** The meaning as the docs write it (Markdown); null for a section without a row. */
    public @Nullable String doc() {
        return doc;
    }

    /** The variants of its section this key belongs to; empty: all. */
    public Set<String> variants() {
        return Collections.unmodifiableSet(variants);
    }

    /** The reload policy in force for this key: its own, or its nearest section's. */
    public Reload reload() {
        for (ConfigKey<?> k = this; k != null; k = k.parent) if (k.reload != null) return k.reload;
        return Reload.LIVE;
    }

    /** True when this key carries the restart policy itself (not inherited from a section above it). */
    boolean declaresRestart() {
        return reload == Reload.RESTART && (parent == null || parent.reload() == Reload.LIVE);
    }

    /** The name {@code restartNeeded} reports for this key. */
    String restartName() {
        return restartAs == null ? path : restartAs;
    }

    /** The docs table this key is listed in: its top-level section's name, unless declared otherwise. */
    public String table() {
        for (ConfigKey<?> k = this; k != null; k = k.parent) if (k.table != null) return k.table;
        ConfigKey<?> k = this;
        while (k.parent != null && k.parent.parent != null) k = k.parent;
        return k.name;
    }

    /** Depth below the root (1 for a top-level key). */
    int depth() {
        int d = 0;
        for (ConfigKey<?> k = parent; k != null; k = k.parent) d++;
        return d;
    }

    /** The keys of the normalized JSON ({@link ConfigJson}) that lead to this one, or null when a list lies between. */
    @Nullable List<String> jsonPath() {
        List<String> out = new ArrayList<>();
        for (ConfigKey<?> k = this; k.parent != null; k = k.parent) {
            if (k.detached) return null;
            if (k != this && k.shape != Shape.MAPPING) return null;
            out.add(0, k.name);
        }
        return out;
    }

    /** This key and every key declared under it, depth first in declaration order. */
    List<ConfigKey<?>> tree() {
        List<ConfigKey<?>> out = new ArrayList<>();
        out.add(this);
        for (ConfigKey<?> c : children) out.addAll(c.tree());
        return out;
    }

    @Override
    public String toString() {
        return path;
    }
}

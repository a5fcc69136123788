package io.vigil.config;

import org.jspecify.annotations.Nullable;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vigil.json.JsonMappers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one way to read a configuration. Recognises the format by its keys, not by the file name:
 * <ul>
 *   <li>ONAP's heartbeat-service JSON when any ONAP key is present ({@code heartbeat_config},
 *       {@code streams_subscribes}, {@code pg_ipAddress}, {@code CBS_polling_allowed}, …);
 *       a config-binding-service answer wrapped as {@code {"config": {…ONAP keys…}}} is unwrapped;</li>
 *   <li>otherwise Vigil's YAML (JSON written with Vigil's keys is read the same way).</li>
 * </ul>
 * A document mixing both formats' top-level keys is rejected. Validation happens here, and every problem
 * is reported at once in a {@link ConfigException}; a syntax error is one error naming line and column.
 * An empty document is a valid Vigil YAML with every default. Stateless and thread-safe.
 */
public final class ConfigLoader {
    /** The largest configuration accepted, file or remote answer (a config is kilobytes; 4 MiB leaves ample room). */
    public static final int MAX_BYTES = 4 * 1024 * 1024;
    /**
     * The longest line, so also the longest one-line scalar. SnakeYAML re-copies its buffer while it scans one run of
     * characters, so its cost grows with the square of a line's length (a 50 M-character eventName kept a core busy for
     * minutes); no key needs more than this.
     */
    public static final int MAX_LINE_CHARS = 64 * 1024;
    /** The longest name (eventName, sourceName, …) in a configuration, as at ingest: the store's column size. */
    public static final int MAX_NAME_LENGTH = io.vigil.ingest.IngestLimits.MAX_NAME_LENGTH;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxDocumentLength(MAX_BYTES).maxStringLength(MAX_LINE_CHARS).build();
    // Vigil's mapper features (JsonMappers) on factories with the limits above
    private static final ObjectMapper JSON = JsonMappers.configure(
            JsonMapper.builder(JsonFactory.builder().streamReadConstraints(LIMITS).build())).build();
    private static final ObjectMapper YAML = JsonMappers.configure(YAMLMapper.builder(YAMLFactory.builder()
            .loaderOptions(yamlLimits()).streamReadConstraints(LIMITS).build())).build();

    private static LoaderOptions yamlLimits() {
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(MAX_BYTES);
        o.setMaxAliasesForCollections(50);
        o.setNestingDepthLimit(50);
        return o;
    }

    private ConfigLoader() {
    }

    /**
     * Reads and validates the file; a missing or unreadable file is one error naming the file. Relative program
     * paths of the pull side's commands ({@code collect}, {@code workers}, {@code actions}) are resolved against the
     * file's directory ({@link io.vigil.collect.CommandPaths}).
     */
    public static VigilConfig load(Path file) throws ConfigException {
        VigilConfig config = parse(read(file), file.toString());
        // the pull side's relative command paths mean "next to this file" (docs/collect.md), not the working directory
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? config : config.withCollect(io.vigil.collect.CommandPaths.resolve(config.collect(), dir));
    }

    /**
     * The file's text. Only a regular file of at most {@link #MAX_BYTES} is opened: a device ({@code /dev/zero}) would
     * be read until memory runs out, a FIFO would block for ever, a directory cannot be read. A file that grows while
     * it is read is cut at the limit and refused.
     */
    static String read(Path file) throws ConfigException {
        String origin = file.toString();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new ConfigException(origin, List.of(new ConfigError("", "file not found: " + file.toAbsolutePath())));
        } catch (IOException e) {
            throw new ConfigException(origin, List.of(new ConfigError("", "cannot read " + file + ": " + e)));
        }
        if (!attributes.isRegularFile()) {
            throw new ConfigException(origin, List.of(new ConfigError("", "not a regular file ("
                    + (attributes.isDirectory() ? "a directory" : "a device, FIFO or socket")
                    + "): give the path of a configuration file")));
        }
        if (attributes.size() > MAX_BYTES) throw tooLarge(origin, attributes.size());
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(origin, List.of(new ConfigError("", "cannot read " + file + ": " + e)));
        }
        if (bytes.length > MAX_BYTES) throw tooLarge(origin, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ConfigException tooLarge(String origin, long size) {
        return new ConfigException(origin, List.of(new ConfigError("", "too large: " + (size > MAX_BYTES ? "more than "
                + MAX_BYTES : size) + " bytes; a configuration may have at most " + MAX_BYTES + " bytes (4 MiB)")));
    }

    /**
     * Parses and validates {@code content}.
     *
     * @param originName file name or URL, used in the exception message only
     * @throws ConfigException with every problem found
     */
    public static VigilConfig parse(String content, String originName) throws ConfigException {
        if (content.startsWith("\uFEFF")) content = content.substring(1); // a BOM from Windows editors
        if (content.length() > MAX_BYTES) throw tooLarge(originName, content.length());
        JsonNode root;
        try {
            root = readTree(content, originName);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException(originName, List.of(new ConfigError(where, "not valid YAML/JSON: " + syntaxMessage(e))));
        }
        List<ConfigError> errors = new ArrayList<>();
        if (root == null || root.isMissingNode() || root.isNull()) root = YAML.createObjectNode();
        if (!root.isObject()) {
            throw new ConfigException(originName, List.of(new ConfigError("",
                    "the configuration must be a mapping of keys (got " + ConfigNode.describe(root) + ")")));
        }
        root = unwrapBindingServiceAnswer(root);
        VigilConfig config;
        if (isOnap(root)) {
            List<String> vigilKeys = presentKeys(root, VigilYamlReader.TOP_LEVEL);
            if (!vigilKeys.isEmpty()) {
                throw new ConfigException(originName, List.of(new ConfigError("", "mixes ONAP keys ("
                        + String.join(", ", presentKeys(root, OnapConfigReader.MARKERS)) + ") with Vigil keys ("
                        + String.join(", ", vigilKeys) + "); write either ONAP's JSON or Vigil's YAML")));
            }
            config = OnapConfigReader.read(new ConfigNode(root, "", errors), JSON);
        } else {
            config = VigilYamlReader.read(new ConfigNode(root, "", errors));
        }
        if (!errors.isEmpty()) throw new ConfigException(originName, errors);
        return config;
    }

    /** True when {@code content} parses as a config object in ONAP's format (no validation). */
    static boolean isOnap(JsonNode root) {
        return !presentKeys(root, OnapConfigReader.MARKERS).isEmpty();
    }

    private static JsonNode readTree(String content, String originName) throws JsonProcessingException, ConfigException {
        String trimmed = content.strip();
        ConfigError longLine = longLine(content);
        if (trimmed.startsWith("{")) {
            // JSON gets the JSON parser: its syntax errors point at the right place.
            try {
                return JSON.readTree(content);
            } catch (JsonProcessingException jsonError) {
                if (longLine != null) throw jsonError;
                try {
                    return YAML.readTree(content); // a YAML flow mapping that is not strict JSON
                } catch (JsonProcessingException yamlError) {
                    throw jsonError;
                }
            }
        }
        if (longLine != null) throw new ConfigException(originName, List.of(longLine));
        return YAML.readTree(content);
    }

    /**
     * The first line longer than {@link #MAX_LINE_CHARS}, checked before a YAML reader sees it (its cost grows with the
     * square of a line's length). A JSON document on one line (a config binding service answer) may be longer: it goes
     * to the JSON parser, whose cost is linear and whose strings are limited by {@link #LIMITS}.
     */
    private static @Nullable ConfigError longLine(String content) {
        int line = 1, start = 0;
        for (int i = 0, n = content.length(); i <= n; i++) {
            if (i == n || content.charAt(i) == '\n') {
                if (i - start > MAX_LINE_CHARS) {
                    return new ConfigError("line " + line, "longer than " + MAX_LINE_CHARS + " characters (" + (i - start)
                            + "); no value needs that much: is this the right file?");
                }
                line++;
                start = i + 1;
            }
        }
        return null;
    }

    /** The config binding service may answer {@code {"config": {...}, "policies": ...}}: take the config. */
    private static JsonNode unwrapBindingServiceAnswer(JsonNode root) {
        JsonNode inner = root.get("config");
        if (inner != null && inner.isObject() && isOnap(inner) && !isOnap(root)) return inner;
        return root;
    }

    private static List<String> presentKeys(JsonNode root, Iterable<String> keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys) if (root.has(k)) out.add(k);
        return out;
    }

    /** Jackson's message without its source excerpt and location suffix. */
    static String syntaxMessage(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) m = e.getClass().getSimpleName();
        Iterator<String> lines = m.lines().iterator();
        return lines.hasNext() ? lines.next().strip() : m;
    }
}

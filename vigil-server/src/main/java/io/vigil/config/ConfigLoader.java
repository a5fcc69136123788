package io.vigil.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

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
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    private ConfigLoader() {
    }

    /**
     * Reads and validates the file; a missing or unreadable file is one error naming the file. Relative program
     * paths of the pull side's commands ({@code collect}, {@code workers}, {@code actions}) are resolved against the
     * file's directory ({@link io.vigil.collect.CommandPaths}).
     */
    public static VigilConfig load(Path file) throws ConfigException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigError("", "file not found: " + file.toAbsolutePath())));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigError("", "cannot read " + file + ": " + e)));
        }
        VigilConfig config = parse(content, file.toString());
        // the pull side's relative command paths mean "next to this file" (docs/collect.md), not the working directory
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? config : config.withCollect(io.vigil.collect.CommandPaths.resolve(config.collect(), dir));
    }

    /**
     * Parses and validates {@code content}.
     *
     * @param originName file name or URL, used in the exception message only
     * @throws ConfigException with every problem found
     */
    public static VigilConfig parse(String content, String originName) throws ConfigException {
        if (content.startsWith("\uFEFF")) content = content.substring(1); // a BOM from Windows editors
        JsonNode root;
        try {
            root = readTree(content);
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

    private static JsonNode readTree(String content) throws JsonProcessingException {
        String trimmed = content.strip();
        if (trimmed.startsWith("{")) {
            // JSON gets the JSON parser: its syntax errors point at the right place.
            try {
                return JSON.readTree(content);
            } catch (JsonProcessingException jsonError) {
                try {
                    return YAML.readTree(content); // a YAML flow mapping that is not strict JSON
                } catch (JsonProcessingException yamlError) {
                    throw jsonError;
                }
            }
        }
        return YAML.readTree(content);
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

package io.vigil.ves;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.vigil.ingest.IngestLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads VES heartbeats ({@code {"event":{…}}} or {@code {"eventList":[…]}}) with Jackson's streaming parser:
 * only {@code commonEventHeader.eventName}, {@code sourceName} and {@code lastEpochMicrosec} are kept, everything
 * else is skipped without building a tree. This is the ingest hot path (HTTP, DMaaP MR, Kafka).
 *
 * <p>The body is strict JSON: one document, nothing after it, no key twice in an object. An item is a heartbeat when
 * <ul>
 *   <li>{@code commonEventHeader.domain} is the string {@code "heartbeat"} (the domain of heartbeats in VES 4, 5 and
 *       7 alike);</li>
 *   <li>{@code eventName} and {@code sourceName} are strings that pass {@link IngestLimits#nameProblem} (length and
 *       printable characters);</li>
 *   <li>{@code lastEpochMicrosec} is a JSON integer (not a string, not a fraction or exponent) from 0 to
 *       {@value #LATEST_MICROS} (2100-01-01 in microseconds). Values ≤ 1e15 are taken as milliseconds already, as
 *       ONAP's service reads them, and then must not be after 2100-01-01 either. A time before 2000-01-01 (0 from a
 *       sender without a clock, say) is kept as sent here; the engine replaces it by the arrival time
 *       ({@link Heartbeat#EARLIEST_EVENT_TIME_MILLIS}).</li>
 * </ul>
 * Thread-safe (stateless).
 */
public final class VesParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final long MICROS_THRESHOLD = 1_000_000_000_000_000L; // 1e15
    /** 2100-01-01T00:00:00Z in milliseconds: no heartbeat is sent later than that. */
    static final long LATEST_MILLIS = 4_102_444_800_000L;
    /** 2100-01-01T00:00:00Z in microseconds: the largest {@code lastEpochMicrosec} taken. */
    public static final long LATEST_MICROS = LATEST_MILLIS * 1000;
    /** The domain of a VES heartbeat (VES 4, 5 and 7). */
    public static final String HEARTBEAT_DOMAIN = "heartbeat";

    private VesParser() {
    }

    /** One {@code {"event":{…}}}; any problem is an exception naming it. */
    public static Heartbeat parseEvent(byte[] json) throws VesFormatException {
        VesBatch batch = parse(json);
        if (batch.size() != 1) throw new VesFormatException("expected one {\"event\":{…}}, got an eventList");
        if (!batch.rejected().isEmpty()) throw new VesFormatException(batch.rejected().getFirst().reason());
        return batch.heartbeats().getFirst();
    }

    public static Heartbeat parseEvent(String json) throws VesFormatException {
        return parseEvent(json.getBytes(StandardCharsets.UTF_8));
    }

    public static VesBatch parse(String json) throws VesFormatException {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #parse(byte[], IngestLimits)} with the default limits. */
    public static VesBatch parse(byte[] json) throws VesFormatException {
        return parse(json, IngestLimits.DEFAULTS);
    }

    /**
     * Either form. Throws only when the body as a whole is unusable (not strict JSON, not an object, neither
     * {@code event} nor {@code eventList}, or both); problems of single items are reported in the result.
     *
     * @param limits the name rule of {@link IngestLimits#nameProblem}
     */
    public static VesBatch parse(byte[] json, IngestLimits limits) throws VesFormatException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new VesFormatException("body: expected a JSON object");
            VesBatch result = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                boolean list = "eventList".equals(field);
                if (list || "event".equals(field)) {
                    if (result != null) throw new VesFormatException("body: expected \"event\" or \"eventList\", not both");
                    result = list ? list(p, value, limits) : single(p, value, limits);
                } else {
                    p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new VesFormatException("body: unexpected content after the JSON object (one document per request)");
            }
            if (result == null) throw new VesFormatException("body: expected \"event\" or \"eventList\"");
            return result;
        } catch (IOException e) {
            throw new VesFormatException("body: malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static VesBatch single(JsonParser p, JsonToken value, IngestLimits limits) throws IOException {
        List<Heartbeat> ok = new ArrayList<>(1);
        List<VesBatch.Rejected> bad = new ArrayList<>(0);
        item(p, value, "event", 0, ok, bad, limits);
        return new VesBatch(ok, bad);
    }

    private static VesBatch list(JsonParser p, JsonToken value, IngestLimits limits) throws IOException, VesFormatException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw new VesFormatException("eventList: expected an array");
        }
        List<Heartbeat> ok = new ArrayList<>();
        List<VesBatch.Rejected> bad = new ArrayList<>(0);
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            item(p, t, null, index, ok, bad, limits); // the path is built only for a rejected item
            index++;
        }
        return new VesBatch(ok, bad);
    }

    /** Reads one event object (positioned at its first token); the item wrapped in {"event":…} is accepted too. */
    private static void item(JsonParser p, JsonToken t, String path, int index,
                             List<Heartbeat> ok, List<VesBatch.Rejected> bad, IngestLimits limits) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            bad.add(new VesBatch.Rejected(index, at(path, index) + ": expected an object"));
            return;
        }
        String eventName = null, sourceName = null, domain = null, epochProblem = null;
        boolean hasDomain = false, hasEpoch = false;
        long epoch = 0;
        boolean header = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("commonEventHeader".equals(field) && v == JsonToken.START_OBJECT) {
                header = true;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String h = p.currentName();
                    JsonToken hv = p.nextToken();
                    switch (h) {
                        case "eventName" -> eventName = text(hv, p);
                        case "sourceName" -> sourceName = text(hv, p);
                        case "domain" -> {
                            hasDomain = true;
                            domain = text(hv, p);
                        }
                        case "lastEpochMicrosec" -> {
                            hasEpoch = true;
                            epochProblem = epochProblem(hv, p);
                            if (epochProblem == null) epoch = p.getLongValue();
                        }
                        default -> p.skipChildren();
                    }
                }
            } else if ("event".equals(field) && v == JsonToken.START_OBJECT && !header) {
                // tolerate {"eventList":[{"event":{…}}]}
                int before = ok.size() + bad.size();
                item(p, v, at(path, index) + ".event", index, ok, bad, limits);
                if (ok.size() + bad.size() > before) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        p.nextToken();
                        p.skipChildren();
                    }
                    return;
                }
            } else {
                p.skipChildren();
            }
        }
        String problem = null;
        if (!header) problem = ": required";
        else if (!hasDomain) problem = ".domain: required (\"heartbeat\")";
        else if (!HEARTBEAT_DOMAIN.equals(domain)) problem = ".domain: must be \"heartbeat\"" + (domain == NOT_STRING ? "" : " (got \"" + clip(domain) + "\")");
        else if ((problem = nameProblem(eventName, limits)) != null) problem = ".eventName: " + problem;
        else if ((problem = nameProblem(sourceName, limits)) != null) problem = ".sourceName: " + problem;
        else if (!hasEpoch) problem = ".lastEpochMicrosec: required";
        else if (epochProblem != null) problem = ".lastEpochMicrosec: " + epochProblem;
        if (problem != null) bad.add(new VesBatch.Rejected(index, at(path, index) + ".commonEventHeader" + problem));
        else ok.add(new Heartbeat(eventName, sourceName, epoch > MICROS_THRESHOLD ? epoch / 1000 : epoch));
    }

    private static String nameProblem(String name, IngestLimits limits) {
        if (name == null) return "required";
        if (name == NOT_STRING) return "must be a string";
        return limits.nameProblem(name);
    }

    /** Null when the current value is a usable {@code lastEpochMicrosec}; else what is wrong with it. */
    private static String epochProblem(JsonToken t, JsonParser p) throws IOException {
        String rule = "must be an integer from 0 to " + LATEST_MICROS + " (microseconds, or milliseconds up to 1e15, before 2100)";
        if (t != JsonToken.VALUE_NUMBER_INT) {
            p.skipChildren();
            return rule + ", got " + switch (t) {
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_FLOAT -> "a number with a fraction or exponent";
                case VALUE_NULL -> "null";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case START_ARRAY -> "an array";
                default -> "an object";
            };
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) return rule + ", got " + clip(p.getText());
        long v = p.getLongValue();
        boolean sane = v >= 0 && (v <= MICROS_THRESHOLD ? v <= LATEST_MILLIS : v <= LATEST_MICROS);
        return sane ? null : rule + ", got " + v;
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** The JSON path of an item: {@code path} as given, or {@code eventList[index]} when null (list items). */
    private static String at(String path, int index) {
        return path != null ? path : "eventList[" + index + "]";
    }

    /** The string value, or {@link #NOT_STRING} (compared by identity) for any other value. */
    private static String text(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
        return NOT_STRING;
    }

    @SuppressWarnings("StringOperationCanBeSimplified") // a distinct instance, never equal by identity to a parsed value
    private static final String NOT_STRING = new String("(not a string)");

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

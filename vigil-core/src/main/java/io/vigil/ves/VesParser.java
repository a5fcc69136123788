package io.vigil.ves;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads VES heartbeats ({@code {"event":{…}}} or {@code {"eventList":[…]}}) with Jackson's streaming parser:
 * only {@code commonEventHeader.eventName}, {@code sourceName} and {@code lastEpochMicrosec} are kept, everything
 * else is skipped without building a tree. This is the ingest hot path (HTTP, DMaaP MR, Kafka).
 *
 * <p>{@code lastEpochMicrosec} values ≤ 1e15 are taken as milliseconds already, as ONAP's service reads them.
 * Thread-safe (stateless).
 */
public final class VesParser {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();
    private static final long MICROS_THRESHOLD = 1_000_000_000_000_000L; // 1e15

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

    /**
     * Either form. Throws only when the body as a whole is unusable (not JSON, not an object, neither
     * {@code event} nor {@code eventList}); problems of single items are reported in the result.
     */
    public static VesBatch parse(byte[] json) throws VesFormatException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new VesFormatException("body: expected a JSON object");
            VesBatch result = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (result == null && "event".equals(field)) {
                    result = single(p, value);
                } else if (result == null && "eventList".equals(field)) {
                    result = list(p, value);
                } else {
                    p.skipChildren();
                }
            }
            if (result == null) throw new VesFormatException("body: expected \"event\" or \"eventList\"");
            return result;
        } catch (IOException e) {
            throw new VesFormatException("body: malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private static VesBatch single(JsonParser p, JsonToken value) throws IOException {
        List<Heartbeat> ok = new ArrayList<>(1);
        List<VesBatch.Rejected> bad = new ArrayList<>(0);
        item(p, value, "event", 0, ok, bad);
        return new VesBatch(ok, bad);
    }

    private static VesBatch list(JsonParser p, JsonToken value) throws IOException, VesFormatException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            throw new VesFormatException("eventList: expected an array");
        }
        List<Heartbeat> ok = new ArrayList<>();
        List<VesBatch.Rejected> bad = new ArrayList<>(0);
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            item(p, t, null, index, ok, bad); // the path is built only for a rejected item
            index++;
        }
        return new VesBatch(ok, bad);
    }

    /** Reads one event object (positioned at its first token); the item wrapped in {"event":…} is accepted too. */
    private static void item(JsonParser p, JsonToken t, String path, int index,
                             List<Heartbeat> ok, List<VesBatch.Rejected> bad) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            bad.add(new VesBatch.Rejected(index, at(path, index) + ": expected an object"));
            return;
        }
        String eventName = null, sourceName = null, problem = null;
        long epoch = -1;
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
                        case "lastEpochMicrosec" -> {
                            epoch = epoch(hv, p);
                            if (epoch < 0) problem = at(path, index) + ".commonEventHeader.lastEpochMicrosec: must be a non-negative number";
                        }
                        default -> p.skipChildren();
                    }
                }
            } else if ("event".equals(field) && v == JsonToken.START_OBJECT && !header) {
                // tolerate {"eventList":[{"event":{…}}]}
                int before = ok.size() + bad.size();
                item(p, v, at(path, index) + ".event", index, ok, bad);
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
        if (!header) problem = at(path, index) + ".commonEventHeader: required";
        else if (problem == null && (eventName == null || eventName.isEmpty())) problem = at(path, index) + ".commonEventHeader.eventName: required";
        else if (problem == null && (sourceName == null || sourceName.isEmpty())) problem = at(path, index) + ".commonEventHeader.sourceName: required";
        else if (problem == null && epoch == -1) problem = at(path, index) + ".commonEventHeader.lastEpochMicrosec: required";
        if (problem != null) bad.add(new VesBatch.Rejected(index, problem));
        else ok.add(new Heartbeat(eventName, sourceName, epoch > MICROS_THRESHOLD ? epoch / 1000 : epoch));
    }

    /** The JSON path of an item: {@code path} as given, or {@code eventList[index]} when null (list items). */
    private static String at(String path, int index) {
        return path != null ? path : "eventList[" + index + "]";
    }

    private static String text(JsonToken t, JsonParser p) throws IOException {
        if (t == JsonToken.VALUE_STRING) return p.getText();
        p.skipChildren();
        return null;
    }

    /** Milliseconds or microseconds as sent; -2 when unusable (so "missing" and "bad" differ). */
    private static long epoch(JsonToken t, JsonParser p) throws IOException {
        return switch (t) {
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_NUMBER_FLOAT -> (long) p.getDoubleValue();
            case VALUE_STRING -> {
                try {
                    yield Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    yield -2;
                }
            }
            default -> {
                p.skipChildren();
                yield -2;
            }
        };
    }

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

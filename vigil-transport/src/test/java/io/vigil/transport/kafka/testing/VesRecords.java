package io.vigil.transport.kafka.testing;

import java.util.List;
import java.util.stream.Collectors;

/** VES heartbeat bodies as Kafka record values, for tests. */
public final class VesRecords {
    private VesRecords() {
    }

    /** One {@code {"event":…}} heartbeat of {@code source}, stamped now. */
    public static String event(String eventName, String source) {
        return "{\"event\":" + inner(eventName, source) + "}";
    }

    /** One {@code {"eventList":[…]}} record holding a heartbeat of each source. */
    public static String eventList(String eventName, List<String> sources) {
        return sources.stream().map(s -> inner(eventName, s)).collect(Collectors.joining(",", "{\"eventList\":[", "]}"));
    }

    private static String inner(String eventName, String source) {
        long micros = System.currentTimeMillis() * 1000;
        return "{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"" + eventName + "\",\"sourceName\":\"" + source
                + "\",\"startEpochMicrosec\":" + micros + ",\"lastEpochMicrosec\":" + micros
                + ",\"version\":\"4.0.1\",\"vesEventListenerVersion\":\"7.0.1\"},\"heartbeatFields\":{\"heartbeatFieldsVersion\":\"3.0\",\"heartbeatInterval\":1}}";
    }
}

package io.vigil.bench.engine;

/**
 * VES heartbeat bodies for benchmarks: a full VES 7 heartbeat of 594 bytes for a 10-character source name (the
 * size STACK.md measured the HTTP stacks with), so parser and HTTP figures are comparable with those anchors.
 */
public final class VesSamples {
    private VesSamples() {
    }

    /** One {@code commonEventHeader + heartbeatFields} object (no wrapper). */
    public static String event(String source, long micros) {
        return "{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"" + BenchMonitors.EVENT_NAME
                + "\",\"eventId\":\"heartbeat-" + source + "-0000000001\",\"sequence\":1,\"priority\":\"Normal\""
                + ",\"reportingEntityId\":\"rid-" + source + "\",\"reportingEntityName\":\"" + source
                + "\",\"sourceId\":\"sid-" + source + "\",\"sourceName\":\"" + source + "\""
                + ",\"startEpochMicrosec\":" + micros + ",\"lastEpochMicrosec\":" + micros
                + ",\"nfNamingCode\":\"vbench\",\"timeZoneOffset\":\"UTC+00:00\""
                + ",\"version\":\"4.1\",\"vesEventListenerVersion\":\"7.2.1\"}"
                + ",\"heartbeatFields\":{\"heartbeatFieldsVersion\":\"3.0\",\"heartbeatInterval\":60"
                + ",\"additionalFields\":{\"site\":\"bench-site1\",\"rack\":\"r17\"}}}";
    }

    /** {@code {"event":{…}}} */
    public static String single(String source) {
        return "{\"event\":" + event(source, 1_700_000_000_000_000L) + "}";
    }

    /** {@code {"eventList":[…]}} with {@code n} distinct sources. */
    public static String list(int n) {
        StringBuilder sb = new StringBuilder("{\"eventList\":[");
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            sb.append(event(BenchMonitors.sourceName(i), 1_700_000_000_000_000L));
        }
        return sb.append("]}").toString();
    }
}

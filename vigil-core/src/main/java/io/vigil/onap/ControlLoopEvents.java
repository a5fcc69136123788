package io.vigil.onap;

import io.vigil.engine.ChangeEvent;
import io.vigil.monitor.ClosedLoop;

/**
 * ONAP control-loop events (the body ONAP's heartbeat service publishes to {@code DCAE_CL_OUTPUT}), with the same
 * keys in the same order as ONAP's service, and its defects fixed:
 * <ul>
 *   <li>{@code requestID} is the outage's id: fresh per outage, shared by its ONSET and its ABATED (ONAP sends one
 *       constant for every event);</li>
 *   <li>the ABATED keeps the outage's {@code closedLoopAlarmStart} and adds {@code closedLoopAlarmEnd} (ONAP puts
 *       the ABATED time in the start and has no end).</li>
 * </ul>
 *
 * <p><b>Why written by hand.</b> The journal builds one body per ONSET on its single thread, so in a storm of 100k
 * ONSETs this is on the alarm path 100k times. Everything but the source name, the times, the status and the
 * request id is the monitor's closed loop, the same for all of its events: a {@link Template} escapes those fields
 * once and each event only appends its own values (≈ 4× cheaper than a Jackson generator per event). The output is
 * exactly what Jackson's generator writes for the same fields (same escaping), which {@code ControlLoopEventsTest}
 * checks against a Jackson reference.
 */
public final class ControlLoopEvents {
    /** {@code closedLoopEventClient} as ONAP's service sends it. */
    public static final String CLIENT = "DCAE_Heartbeat_MS";

    private ControlLoopEvents() {
    }

    /** The JSON body for an ONSET or ABATED change event of a monitor with these closed-loop fields. */
    public static String toJson(ClosedLoop cl, ChangeEvent e) {
        return new Template(cl).toJson(e);
    }

    /**
     * The bodies of one monitor's events: its closed-loop fields rendered once. Immutable and thread-safe; keep one
     * per monitor (it is only valid for the {@link ClosedLoop} it was made from).
     */
    public static final class Template {
        private final ClosedLoop closedLoop;
        /** Everything up to the AAI key's value: {@code {"closedLoopEventClient":…,"AAI":{"generic-vnf.vnf-name":}. */
        private final String head;
        /** From the status on: {@code ,"closedLoopControlName":…,"target":…,"requestID":}. */
        private final String controlName;
        private final String middle;

        public Template(ClosedLoop cl) {
            this.closedLoop = cl;
            StringBuilder h = new StringBuilder(256).append('{');
            field(h, "closedLoopEventClient", CLIENT).append(',');
            field(h, "policyVersion", cl.policyVersion()).append(',');
            field(h, "policyName", cl.policyName()).append(',');
            field(h, "policyScope", cl.policyScope()).append(',');
            field(h, "target_type", cl.targetType().name()).append(',');
            string(h, "AAI").append(":{");
            string(h, cl.targetType().aaiKey()).append(':');
            this.head = h.toString();
            StringBuilder c = new StringBuilder(128).append(',');
            field(c, "closedLoopControlName", cl.controlName());
            this.controlName = c.toString();
            StringBuilder m = new StringBuilder(128).append(',');
            field(m, "version", cl.version()).append(',');
            field(m, "target", cl.target()).append(',');
            string(m, "requestID").append(':');
            this.middle = m.toString();
        }

        /** The closed-loop fields this template renders. */
        public ClosedLoop closedLoop() {
            return closedLoop;
        }

        /** The JSON body of {@code e}, an ONSET or ABATED. */
        public String toJson(ChangeEvent e) {
            if (!e.isAlarm()) throw new IllegalArgumentException("not an ONSET or ABATED: " + e.kind());
            StringBuilder b = new StringBuilder(head.length() + controlName.length() + middle.length() + 160);
            b.append(head);
            string(b, e.source().sourceName());
            b.append("},\"closedLoopAlarmStart\":").append(e.alarmStartMillis());
            if (e.alarmEndMillis() > 0) b.append(",\"closedLoopAlarmEnd\":").append(e.alarmEndMillis());
            b.append(",\"closedLoopEventStatus\":\"").append(e.kind().name()).append('"');
            b.append(controlName).append(middle);
            string(b, e.outageId());
            return b.append(",\"from\":\"DCAE\"}").toString();
        }
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        return string(string(b, name).append(':'), value);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * Appends {@code s} as a JSON string ({@code null} as {@code null}), escaped as Jackson's generator does by
     * default: {@code "} and {@code \} with a backslash, the control characters below 0x20 as {@code \b \t \n \f \r}
     * or {@code \}{@code u00XX}; everything else as is.
     */
    static StringBuilder string(StringBuilder b, String s) {
        if (s == null) return b.append("null");
        b.append('"');
        int n = s.length();
        int plain = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x20 && ch != '"' && ch != '\\') continue;
            b.append(s, plain, i);
            plain = i + 1;
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> b.append("\\u00").append(HEX[ch >> 4]).append(HEX[ch & 0xF]);
            }
        }
        return b.append(s, plain, n).append('"');
    }
}

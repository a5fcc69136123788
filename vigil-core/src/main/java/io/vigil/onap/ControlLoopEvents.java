package io.vigil.onap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vigil.engine.ChangeEvent;
import io.vigil.monitor.ClosedLoop;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * ONAP control-loop events (the body ONAP's heartbeat service publishes to {@code DCAE_CL_OUTPUT}), with the same
 * keys in the same order as ONAP's service, and its defects fixed:
 * <ul>
 *   <li>{@code requestID} is the outage's id: fresh per outage, shared by its ONSET and its ABATED (ONAP sends one
 *       constant for every event);</li>
 *   <li>the ABATED keeps the outage's {@code closedLoopAlarmStart} and adds {@code closedLoopAlarmEnd} (ONAP puts
 *       the ABATED time in the start and has no end).</li>
 * </ul>
 */
public final class ControlLoopEvents {
    /** {@code closedLoopEventClient} as ONAP's service sends it. */
    public static final String CLIENT = "DCAE_Heartbeat_MS";
    private static final JsonFactory JSON = new JsonFactory();

    private ControlLoopEvents() {
    }

    /** The JSON body for an ONSET or ABATED change event of a monitor with these closed-loop fields. */
    public static String toJson(ClosedLoop cl, ChangeEvent e) {
        if (!e.isAlarm()) throw new IllegalArgumentException("not an ONSET or ABATED: " + e.kind());
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("closedLoopEventClient", CLIENT);
            g.writeStringField("policyVersion", cl.policyVersion());
            g.writeStringField("policyName", cl.policyName());
            g.writeStringField("policyScope", cl.policyScope());
            g.writeStringField("target_type", cl.targetType().name());
            g.writeObjectFieldStart("AAI");
            g.writeStringField(cl.targetType().aaiKey(), e.source().sourceName());
            g.writeEndObject();
            g.writeNumberField("closedLoopAlarmStart", e.alarmStartMillis());
            if (e.alarmEndMillis() > 0) g.writeNumberField("closedLoopAlarmEnd", e.alarmEndMillis());
            g.writeStringField("closedLoopEventStatus", e.kind().name());
            g.writeStringField("closedLoopControlName", cl.controlName());
            g.writeStringField("version", cl.version());
            g.writeStringField("target", cl.target());
            g.writeStringField("requestID", e.outageId());
            g.writeStringField("from", "DCAE");
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }
}

package io.vigil.onap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.TargetType;
import io.vigil.testing.ProjectFiles;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Our control-loop events are ONAP's (its keys in its order), plus closedLoopAlarmEnd on ABATED; compared with the
 * samples in src/test/resources/onap. {@link ControlLoopEventsConformanceTest} compares with ONAP's own recordings.
 */
class ControlLoopEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final ClosedLoop VNF = new ClosedLoop("ControlLoopEvent1", "vFireWall", "1.0.0.5",
            "resource=sampleResource,type=sampletype,CLName=sampleCLName", TargetType.VNF, "genVnfName", "1.0");
    private static final ClosedLoop VM = new ClosedLoop("ControlLoopEvent2", "vFW-restart", "2.0", "resource=vFW",
            TargetType.VM, "vserver.vserver-name", "2.0");
    private static final long START = 1_764_201_780_250L;
    private static final long END = 1_764_201_912_500L;

    static ChangeEvent onset(String source, long at) {
        return new ChangeEvent("e1", new SourceKey("Heartbeat_vDNS", source), LivenessState.ALIVE,
                LivenessState.MISSING, at, at - 5_000, "req-1", at, 0, "silent");
    }

    static ChangeEvent abated(String source, long start, long end) {
        return new ChangeEvent("e2", new SourceKey("Heartbeat_vDNS", source), LivenessState.MISSING,
                LivenessState.ALIVE, end, end, "req-1", start, end, "back");
    }

    static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    private static JsonNode sample(String name) throws Exception {
        return JSON.readTree(ProjectFiles.resource("onap/" + name));
    }

    @Test
    void onsetOfAVnfIsOnapsEventInOnapsKeyOrder() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, onset("vdns-017", START)));
        JsonNode expected = sample("onset-vnf.json");
        assertThat(keys(ours)).containsExactlyElementsOf(keys(expected));
        assertThat(ours).isEqualTo(expected);
    }

    @Test
    void vmTargetUsesTheVserverAaiKey() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VM, onset("vfw-vm-03", START)));
        JsonNode expected = sample("onset-vm.json");
        assertThat(keys(ours)).containsExactlyElementsOf(keys(expected));
        assertThat(ours).isEqualTo(expected);
        assertThat(ours.get("AAI").fieldNames().next()).isEqualTo("vserver.vserver-name");
    }

    @Test
    void abatedKeepsTheOutageStartAndAddsItsEnd() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, abated("vdns-017", START, END)));
        JsonNode expected = sample("abated-vnf.json");
        assertThat(keys(ours)).containsExactlyElementsOf(keys(expected));
        assertThat(ours).isEqualTo(expected);
        assertThat(ours.get("closedLoopAlarmStart").asLong()).isEqualTo(START);
        assertThat(ours.get("closedLoopAlarmEnd").asLong()).isEqualTo(END);
    }

    @Test
    void templateWritesExactlyWhatAJacksonGeneratorWrites() {
        ClosedLoop nulls = new ClosedLoop(null, null, null, null, TargetType.VM, null, null);
        ClosedLoop odd = new ClosedLoop("c\"q\\b", "p\u0001\u001f\b\t\n\f\r", "v/é", "s\u007f\u2028", TargetType.VNF, "t😀",
                "\ud800x");
        List<String> names = List.of("vdns-017", "", "a\"b", "back\\slash", "nl\nx", "\u0000\u0007\u001b", "ünïcödé 😀", "x\udc00");
        for (ClosedLoop cl : List.of(VNF, VM, nulls, odd)) {
            ControlLoopEvents.Template template = new ControlLoopEvents.Template(cl);
            for (String name : names) {
                for (ChangeEvent e : List.of(onset(name, START), abated(name, START, END))) {
                    assertThat(template.toJson(e)).isEqualTo(jacksonReference(cl, e));
                    assertThat(ControlLoopEvents.toJson(cl, e)).isEqualTo(jacksonReference(cl, e));
                }
            }
        }
    }

    @Test
    void templateRefusesAnEventThatIsNotAnAlarm() {
        ChangeEvent firstSeen = new ChangeEvent("e3", new SourceKey("Heartbeat_vDNS", "a"), LivenessState.UNKNOWN,
                LivenessState.ALIVE, START, START, null, 0, 0, "first");
        assertThatThrownBy(() -> new ControlLoopEvents.Template(VNF).toJson(firstSeen))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The body as a Jackson generator writes it (how it was built before the template): the reference model. */
    private static String jacksonReference(ClosedLoop cl, ChangeEvent e) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (com.fasterxml.jackson.core.JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("closedLoopEventClient", ControlLoopEvents.CLIENT);
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
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return out.toString();
    }
}

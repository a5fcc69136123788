package io.vigil.onap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.TargetType;
import io.vigil.testing.SharedFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our control-loop events carry exactly ONAP's keys (in its order), plus closedLoopAlarmEnd on ABATED. */
class ControlLoopEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClosedLoop VNF = new ClosedLoop("ControlLoopEvent1", "vFireWall", "1.0.0.5",
            "resource=sampleResource,type=sampletype,CLName=sampleCLName", TargetType.VNF, "genVnfName", "1.0");

    private static ChangeEvent onset(String source) {
        return new ChangeEvent("e1", new SourceKey("Heartbeat_vDNS", source), LivenessState.ALIVE,
                LivenessState.MISSING, 1795743995011L, 1795743990000L, "req-1", 1795743995011L, 0, "silent");
    }

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void onsetMatchesOnapObservedVnfEventExceptTheRequestId() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, onset("SRC_A")));
        JsonNode onap = JSON.readTree(SharedFixtures.read("onap-fixtures/observed-ONSET-VNF.json"));
        assertThat(keys(ours)).containsExactlyElementsOf(keys(onap));
        ((com.fasterxml.jackson.databind.node.ObjectNode) onap).put("requestID", "req-1");
        assertThat(ours).isEqualTo(onap);
    }

    @Test
    void vmTargetUsesTheVserverAaiKey() throws Exception {
        ClosedLoop vm = new ClosedLoop("ControlLoopEvent2", "vFireWall", "1.0.0.5",
                "resource=sampleResource,type=sampletype,CLName=sampleCLName", TargetType.VM, "vserver.vserver-name", "1.0");
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(vm, onset("VM_B")));
        JsonNode onap = JSON.readTree(SharedFixtures.read("onap-fixtures/observed-ONSET-VM.json"));
        assertThat(ours.get("AAI")).isEqualTo(onap.get("AAI"));
        assertThat(ours.get("target_type").asText()).isEqualTo("VM");
    }

    @Test
    void abatedKeepsTheOutageStartAndAddsItsEnd() throws Exception {
        ChangeEvent abated = new ChangeEvent("e2", new SourceKey("Heartbeat_vDNS", "SRC_A"), LivenessState.MISSING,
                LivenessState.ALIVE, 1795744215371L, 1795744215371L, "req-1", 1795743995011L, 1795744215371L, "back");
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, abated));
        JsonNode onap = JSON.readTree(SharedFixtures.read("onap-fixtures/observed-ABATED-VNF.json"));
        List<String> expected = new ArrayList<>(keys(onap));
        expected.add(expected.indexOf("closedLoopAlarmStart") + 1, "closedLoopAlarmEnd");
        assertThat(keys(ours)).containsExactlyElementsOf(expected);
        assertThat(ours.get("closedLoopEventStatus").asText()).isEqualTo("ABATED");
        assertThat(ours.get("closedLoopAlarmStart").asLong()).isEqualTo(1795743995011L);
        assertThat(ours.get("closedLoopAlarmEnd").asLong()).isEqualTo(1795744215371L);
        assertThat(ours.get("requestID").asText()).isEqualTo("req-1");
    }
}

package io.vigil.onap;

import static io.vigil.onap.ControlLoopEventsTest.VNF;
import static io.vigil.onap.ControlLoopEventsTest.abated;
import static io.vigil.onap.ControlLoopEventsTest.keys;
import static io.vigil.onap.ControlLoopEventsTest.onset;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.TargetType;
import io.vigil.testing.Conformance;
import io.vigil.testing.OnapRecordings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our control-loop events against the bodies ONAP's service was recorded publishing (except its defects we fix). */
@Conformance
class ControlLoopEventsConformanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void onsetMatchesOnapObservedVnfEventExceptTheRequestId() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, onset("SRC_A", 1795743995011L)));
        JsonNode onap = JSON.readTree(OnapRecordings.read("observed-ONSET-VNF.json"));
        assertThat(keys(ours)).containsExactlyElementsOf(keys(onap));
        ((ObjectNode) onap).put("requestID", "req-1");
        assertThat(ours).isEqualTo(onap);
    }

    @Test
    void vmTargetUsesTheVserverAaiKeyAsOnap() throws Exception {
        ClosedLoop vm = new ClosedLoop("ControlLoopEvent2", "vFireWall", "1.0.0.5",
                "resource=sampleResource,type=sampletype,CLName=sampleCLName", TargetType.VM, "vserver.vserver-name", "1.0");
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(vm, onset("VM_B", 1795743995028L)));
        JsonNode onap = JSON.readTree(OnapRecordings.read("observed-ONSET-VM.json"));
        assertThat(ours.get("AAI")).isEqualTo(onap.get("AAI"));
        assertThat(ours.get("target_type").asText()).isEqualTo("VM");
    }

    @Test
    void abatedHasOnapsKeysPlusTheAlarmEnd() throws Exception {
        JsonNode ours = JSON.readTree(ControlLoopEvents.toJson(VNF, abated("SRC_A", 1795743995011L, 1795744215371L)));
        JsonNode onap = JSON.readTree(OnapRecordings.read("observed-ABATED-VNF.json"));
        List<String> expected = new ArrayList<>(keys(onap));
        expected.add(expected.indexOf("closedLoopAlarmStart") + 1, "closedLoopAlarmEnd");
        assertThat(keys(ours)).containsExactlyElementsOf(expected);
        assertThat(ours.get("closedLoopEventStatus").asText()).isEqualTo("ABATED");
        assertThat(ours.get("requestID").asText()).isEqualTo("req-1");
    }
}

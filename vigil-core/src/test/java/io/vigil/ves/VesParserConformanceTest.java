package io.vigil.ves;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.testing.Conformance;
import io.vigil.testing.OnapRecordings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VES events of ONAP's own tests and a Message Router answer it recorded. */
@Conformance
class VesParserConformanceTest {

    @Test
    void readsOnapTestEventsInMicrosecondsAndMilliseconds() throws Exception {
        for (String f : List.of("tests_test1.json", "tests_test2.json", "tests_test3.json")) {
            Heartbeat hb = VesParser.parseEvent(OnapRecordings.read(f));
            assertThat(hb.eventTimeMillis()).as(f).isBetween(1_500_000_000_000L, 2_000_000_000_000L);
        }
        // test4 carries milliseconds already (≤ 1e15) and no heartbeatFields
        assertThat(VesParser.parseEvent(OnapRecordings.read("tests_test4.json")).eventTimeMillis())
                .isEqualTo(1621969018000L);
    }

    @Test
    void readsMessageRouterItemsOnapRecorded() throws Exception {
        String[] items = new ObjectMapper().readValue(OnapRecordings.read("example-mr-get-response-batch.json"), String[].class);
        Heartbeat hb = VesParser.parseEvent(items[0]);
        assertThat(hb).isEqualTo(new Heartbeat("Heartbeat_vDNS", "SOURCE_NAME1", 1548313727714L));
    }
}

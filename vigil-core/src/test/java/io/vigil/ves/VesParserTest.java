package io.vigil.ves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.testing.SharedFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class VesParserTest {

    @Test
    void readsTheSharedVesExample() throws Exception {
        Heartbeat hb = VesParser.parseEvent(SharedFixtures.read("examples/ves-heartbeat.json"));
        assertThat(hb).isEqualTo(new Heartbeat("Heartbeat_vDNS", "vdns-001", 1764201600000L));
    }

    @Test
    void readsOnapTestEventsInMicrosecondsAndMilliseconds() throws Exception {
        for (String f : List.of("tests_test1.json", "tests_test2.json", "tests_test3.json")) {
            Heartbeat hb = VesParser.parseEvent(SharedFixtures.read("onap-fixtures/" + f));
            assertThat(hb.eventTimeMillis()).as(f).isBetween(1_500_000_000_000L, 2_000_000_000_000L);
        }
        // test4 carries milliseconds already (≤ 1e15) and no heartbeatFields
        assertThat(VesParser.parseEvent(SharedFixtures.read("onap-fixtures/tests_test4.json")).eventTimeMillis())
                .isEqualTo(1621969018000L);
    }

    @Test
    void readsMessageRouterItemsWhichAreSerialisedEvents() throws Exception {
        String[] items = new ObjectMapper().readValue(
                SharedFixtures.read("onap-fixtures/example-mr-get-response-batch.json"), String[].class);
        Heartbeat hb = VesParser.parseEvent(items[0]);
        assertThat(hb).isEqualTo(new Heartbeat("Heartbeat_vDNS", "SOURCE_NAME1", 1548313727714L));
    }

    @Test
    void batchKeepsValidEventsAndNamesTheRejectedOnes() throws Exception {
        VesBatch b = VesParser.parse("""
                {"eventList":[
                  {"commonEventHeader":{"eventName":"E","sourceName":"a","lastEpochMicrosec":1000000000000000}},
                  {"commonEventHeader":{"eventName":"E","lastEpochMicrosec":1}},
                  42,
                  {"commonEventHeader":{"eventName":"E","sourceName":"c","lastEpochMicrosec":"x"}},
                  {"commonEventHeader":{"eventName":"E","sourceName":"d"}},
                  {"event":{"commonEventHeader":{"eventName":"E","sourceName":"e","lastEpochMicrosec":5}}}
                ]}""");
        assertThat(b.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("a", "e");
        assertThat(b.heartbeats().getFirst().eventTimeMillis()).isEqualTo(1_000_000_000_000_000L);
        assertThat(b.rejected()).extracting(VesBatch.Rejected::index).containsExactly(1, 2, 3, 4);
        assertThat(b.rejected().get(0).reason()).isEqualTo("eventList[1].commonEventHeader.sourceName: required");
        assertThat(b.rejected().get(2).reason()).contains("lastEpochMicrosec: must be a non-negative number");
        assertThat(b.rejected().get(3).reason()).isEqualTo("eventList[4].commonEventHeader.lastEpochMicrosec: required");
    }

    @Test
    void singleEventWithMissingFieldNamesIt() {
        assertThatThrownBy(() -> VesParser.parseEvent("{\"event\":{\"commonEventHeader\":{\"sourceName\":\"a\",\"lastEpochMicrosec\":1}}}"))
                .isInstanceOf(VesFormatException.class)
                .hasMessage("event.commonEventHeader.eventName: required");
        assertThatThrownBy(() -> VesParser.parseEvent("{\"event\":{}}"))
                .hasMessage("event.commonEventHeader: required");
    }

    @Test
    void malformedBodiesAreRejectedWithAReason() {
        assertThatThrownBy(() -> VesParser.parse("{\"event\":")).hasMessageStartingWith("body: malformed JSON");
        assertThatThrownBy(() -> VesParser.parse("[1]")).hasMessage("body: expected a JSON object");
        assertThatThrownBy(() -> VesParser.parse("{\"x\":1}")).hasMessage("body: expected \"event\" or \"eventList\"");
        assertThatThrownBy(() -> VesParser.parse("{\"eventList\":{}}")).hasMessage("eventList: expected an array");
    }
}

package io.vigil.ves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.testing.ProjectFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class VesParserTest {

    @Test
    void readsTheVesExample() throws Exception {
        Heartbeat hb = VesParser.parseEvent(ProjectFiles.read(ProjectFiles.example("ves-heartbeat.json")));
        assertThat(hb).isEqualTo(new Heartbeat("Heartbeat_vDNS", "vdns-001", 1764201600000L));
    }

    @Test
    void lastEpochMicrosecUpTo1e15IsReadAsMillisecondsAsOnapDoes() throws Exception {
        // version 3 events carry milliseconds in lastEpochMicrosec, and no heartbeatFields
        assertThat(VesParser.parseEvent(ProjectFiles.resource("ves/heartbeat-millis.json")))
                .isEqualTo(new Heartbeat("Heartbeat_vFW", "vfw-vm-03", 1764201600123L));
    }

    @Test
    void readsMessageRouterItemsWhichAreSerialisedEvents() throws Exception {
        String[] items = new ObjectMapper().readValue(ProjectFiles.resource("ves/message-router-answer.json"), String[].class);
        assertThat(items).hasSize(3);
        assertThat(VesParser.parseEvent(items[0])).isEqualTo(new Heartbeat("Heartbeat_vDNS", "vdns-017", 1764201660000L));
        assertThat(VesParser.parseEvent(items[2])).isEqualTo(new Heartbeat("Heartbeat_vFW", "vfw-vm-03", 1764201630000L));
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

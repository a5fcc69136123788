package io.vigil.ves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.ingest.IngestLimits;
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
                  {"commonEventHeader":{"domain":"heartbeat","eventName":"E","sourceName":"a","lastEpochMicrosec":1764201600000000}},
                  {"commonEventHeader":{"domain":"heartbeat","eventName":"E","lastEpochMicrosec":1}},
                  42,
                  {"commonEventHeader":{"domain":"heartbeat","eventName":"E","sourceName":"c","lastEpochMicrosec":"x"}},
                  {"commonEventHeader":{"domain":"heartbeat","eventName":"E","sourceName":"d"}},
                  {"event":{"commonEventHeader":{"domain":"heartbeat","eventName":"E","sourceName":"e","lastEpochMicrosec":5}}}
                ]}""");
        assertThat(b.heartbeats()).extracting(Heartbeat::sourceName).containsExactly("a", "e");
        assertThat(b.heartbeats().getFirst().eventTimeMillis()).isEqualTo(1_764_201_600_000L);
        assertThat(b.rejected()).extracting(VesBatch.Rejected::index).containsExactly(1, 2, 3, 4);
        assertThat(b.rejected().get(0).reason()).isEqualTo("eventList[1].commonEventHeader.sourceName: required");
        assertThat(b.rejected().get(2).reason()).contains("lastEpochMicrosec: must be an integer from 0 to");
        assertThat(b.rejected().get(3).reason()).isEqualTo("eventList[4].commonEventHeader.lastEpochMicrosec: required");
    }

    @Test
    void singleEventWithMissingFieldNamesIt() {
        assertThatThrownBy(() -> VesParser.parseEvent("{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"sourceName\":\"a\",\"lastEpochMicrosec\":1}}}"))
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

    // ------------------------------------------------------------ strict JSON (issue 19.9)

    private static final String GOOD = "{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"E\","
            + "\"sourceName\":\"a\",\"lastEpochMicrosec\":1764201600000000}}}";

    @Test
    void trailingGarbageAfterTheDocumentIsRejected() {
        assertThatThrownBy(() -> VesParser.parse(GOOD + "garbage"))
                .isInstanceOf(VesFormatException.class).hasMessageStartingWith("body: ");
        assertThatThrownBy(() -> VesParser.parse(GOOD + "}")).isInstanceOf(VesFormatException.class);
    }

    @Test
    void twoConcatenatedDocumentsAreRejectedNotHalfRead() {
        assertThatThrownBy(() -> VesParser.parse(GOOD + GOOD))
                .hasMessage("body: unexpected content after the JSON object (one document per request)");
        assertThatThrownBy(() -> VesParser.parse(GOOD + "\n" + GOOD)).isInstanceOf(VesFormatException.class);
    }

    @Test
    void aKeyTwiceInAnObjectIsRejected() {
        String twoEvents = "{\"event\":{\"commonEventHeader\":{}}," + GOOD.substring(1);
        assertThatThrownBy(() -> VesParser.parse(twoEvents)).hasMessageContaining("Duplicate field 'event'");
        String twoSources = GOOD.replace("\"sourceName\":\"a\"", "\"sourceName\":\"a\",\"sourceName\":\"b\"");
        assertThatThrownBy(() -> VesParser.parse(twoSources)).hasMessageContaining("Duplicate field 'sourceName'");
    }

    @Test
    void eventAndEventListTogetherAreRejected() {
        assertThatThrownBy(() -> VesParser.parse("{\"eventList\":[]," + GOOD.substring(1)))
                .hasMessage("body: expected \"event\" or \"eventList\", not both");
    }

    @Test
    void whitespaceAfterTheDocumentIsFine() throws Exception {
        assertThat(VesParser.parse(GOOD + " \n\t").heartbeats()).hasSize(1);
    }

    // ------------------------------------------------------------ what a heartbeat is (issue 19.10, 19.8)

    private static String reason(String headerFields) throws Exception {
        VesBatch b = VesParser.parse("{\"event\":{\"commonEventHeader\":{" + headerFields + "}}}");
        assertThat(b.heartbeats()).as(headerFields).isEmpty();
        return b.rejected().getFirst().reason();
    }

    private static final String NAMES = "\"eventName\":\"E\",\"sourceName\":\"a\",\"lastEpochMicrosec\":1764201600000000";

    @Test
    void theDomainMustBeHeartbeat() throws Exception {
        assertThat(reason(NAMES)).isEqualTo("event.commonEventHeader.domain: required (\"heartbeat\")");
        assertThat(reason("\"domain\":null," + NAMES)).isEqualTo("event.commonEventHeader.domain: must be \"heartbeat\"");
        assertThat(reason("\"domain\":1," + NAMES)).isEqualTo("event.commonEventHeader.domain: must be \"heartbeat\"");
        assertThat(reason("\"domain\":\"fault\"," + NAMES)).isEqualTo("event.commonEventHeader.domain: must be \"heartbeat\" (got \"fault\")");
        assertThat(reason("\"domain\":\"Heartbeat\"," + NAMES)).contains("must be \"heartbeat\"");
    }

    @Test
    void lastEpochMicrosecMustBeAnIntegerInASaneRange() throws Exception {
        String head = "\"domain\":\"heartbeat\",\"eventName\":\"E\",\"sourceName\":\"a\",\"lastEpochMicrosec\":";
        for (String bad : List.of("1.5", "1e308", "1.0", "\"123\"", "-1", "null", "true", "[1]", "{}",
                "99999999999999999999", "4102444800000001", "5000000000000")) {
            assertThat(reason(head + bad)).as(bad).startsWith("event.commonEventHeader.lastEpochMicrosec: must be an integer from 0 to 4102444800000000");
        }
        assertThat(reason(head + "1.5")).endsWith("got a number with a fraction or exponent");
        assertThat(reason(head + "\"123\"")).endsWith("got a string");
    }

    @Test
    void epochZeroAndOneAreKeptAsSentForTheEngineToReplaceByArrival() throws Exception {
        for (long t : List.of(0L, 1L, 4_102_444_800_000L, 4_102_444_800_000_000L)) {
            Heartbeat hb = VesParser.parseEvent("{\"event\":{\"commonEventHeader\":{\"domain\":\"heartbeat\",\"eventName\":\"E\","
                    + "\"sourceName\":\"a\",\"lastEpochMicrosec\":" + t + "}}}");
            assertThat(hb.eventTimeMillis()).isEqualTo(t > 1_000_000_000_000_000L ? t / 1000 : t);
        }
    }

    // ------------------------------------------------------------ names (issue 13, 19.11)

    private static String named(String field, String jsonString) throws Exception {
        String header = "\"domain\":\"heartbeat\",\"eventName\":\"E\",\"sourceName\":\"a\",\"lastEpochMicrosec\":1764201600000000";
        header = header.replace("\"" + field + "\":\"" + (field.equals("eventName") ? "E" : "a") + "\"", "\"" + field + "\":" + jsonString);
        VesBatch b = VesParser.parse("{\"eventList\":[{\"commonEventHeader\":{" + header + "}}]}");
        return b.rejected().isEmpty() ? null : b.rejected().getFirst().reason();
    }

    @Test
    void namesLongerThanTheColumnAreRejectedNamingTheField() throws Exception {
        assertThat(named("sourceName", "\"" + "x".repeat(255) + "\"")).isNull();
        assertThat(named("sourceName", "\"" + "x".repeat(256) + "\""))
                .isEqualTo("eventList[0].commonEventHeader.sourceName: longer than limits.nameLength (256 > 255 characters)");
        assertThat(named("eventName", "\"" + "x".repeat(900_000) + "\""))
                .startsWith("eventList[0].commonEventHeader.eventName: longer than limits.nameLength (900000 > 255");
    }

    @Test
    void aSmallerConfiguredNameLengthApplies() throws Exception {
        byte[] body = GOOD.replace("\"a\"", "\"abcdefghijk\"").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(VesParser.parse(body, new IngestLimits(10, 100, 100)).rejected().getFirst().reason())
                .contains("sourceName: longer than limits.nameLength (11 > 10 characters)");
        assertThat(VesParser.parse(body, new IngestLimits(11, 100, 100)).heartbeats()).hasSize(1);
    }

    @Test
    void nonPrintableCharactersInNamesAreRejected() throws Exception {
        assertThat(named("sourceName", "\"a\\u0000b\"")).contains("sourceName: holds the non-printable character U+0000 at character 1");
        assertThat(named("sourceName", "\"a\\nb\"")).contains("U+000A");
        assertThat(named("sourceName", "\"\\u001b[31mred\"")).contains("U+001B at character 0");
        assertThat(named("sourceName", "\"a\\u0085\"")).contains("U+0085"); // C1 control
        assertThat(named("sourceName", "\"admin\\u202Eexe\"")).contains("U+202E"); // right-to-left override
        assertThat(named("eventName", "\"E\\u200B\"")).startsWith("eventList[0].commonEventHeader.eventName:").contains("U+200B");
    }

    @Test
    void aLoneSurrogateIsRejectedSoDistinctNamesCannotCollapse() throws Exception {
        assertThat(named("sourceName", "\"vnf\\uD800\""))
                .isEqualTo("eventList[0].commonEventHeader.sourceName: a lone UTF-16 surrogate (U+D800) at character 3 is not a character");
        assertThat(named("sourceName", "\"\\uDC00vnf\"")).contains("lone UTF-16 surrogate (U+DC00) at character 0");
        assertThat(named("sourceName", "\"vnf\\uD83D\\uDE00\"")).isNull(); // a proper pair: 😀
    }

    @Test
    void printableUnicodeOfEveryScriptIsFine() throws Exception {
        for (String name : List.of("vnf-001", "vnf 001", "Ünïcödé-ß", "節點-東京", "узел", "عقدة", "😀-node", "a/b:c@d#e")) {
            assertThat(named("sourceName", "\"" + name + "\"")).as(name).isNull();
        }
    }

    @Test
    void namesThatAreNotStringsAreRequired() throws Exception {
        assertThat(named("sourceName", "42")).isEqualTo("eventList[0].commonEventHeader.sourceName: must be a string");
        assertThat(named("eventName", "\"\"")).isEqualTo("eventList[0].commonEventHeader.eventName: required");
    }
}

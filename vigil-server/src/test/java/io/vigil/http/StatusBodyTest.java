package io.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code GET /api/v1/status} records write the document the hand-built tree wrote: fields in order, a null written
 * as {@code null}, the optional parts left out when absent.
 */
class StatusBodyTest {
    private static StatusBody status(StatusBody.Ha ha, List<?> peers, String dmaap) {
        Map<String, Long> dead = new LinkedHashMap<>();
        dead.put("poison", 0L);
        dead.put("total", 0L);
        return new StatusBody("RUNNING", "STANDBY", "i-1", 3, null, null, ha, "1.0", "2026-01-01T00:00:00Z", "DEFAULT",
                new StatusBody.Counts(1, 2, 3, 4, 9, 10, 11, 12),
                new StatusBody.Ingest(Map.of(), Map.of("http", new StatusBody.Channel("1970-01-01T00:00:00.005Z", 5, 6, false, 7,
                        List.of(new StatusBody.Part("loop-0", 5, 6, false, List.of(new StatusBody.Spell(1, 2)))))),
                        0, 1.5, dmaap),
                List.of(new StatusBody.Sink("log", 1, 0, 0)), peers, true, dead);
    }

    @Test
    void singleModeWritesEveryFieldInOrderWithNullsAndWithoutTheOptionalParts() {
        StatusBody.Ha ha = new StatusBody.Ha(false, "ACTIVE", 3, 5000, true, "single", null, null);
        assertThat(Json.write(status(ha, null, null))).isEqualTo("""
                {"state":"RUNNING","role":"STANDBY","instanceId":"i-1","epoch":3,"activeId":null,"leaseExpiresAt":null,\
                "ha":{"enabled":false,"phase":"ACTIVE","ownEpoch":3,"leaseTtlMillis":5000,"detecting":true,"mode":"single"},\
                "version":"1.0","startedAt":"2026-01-01T00:00:00Z","configSource":"DEFAULT",\
                "counts":{"monitors":1,"unknown":2,"alive":3,"missing":4,"sources":9,"heartbeatsAccepted":10,"unknownEventName":11,"pendingEvents":12},\
                "ingest":{"held":{},"channels":{"http":{"watermark":"1970-01-01T00:00:00.005Z","watermarkMillis":5,"lagMillis":6,\
                "blind":false,"heldSources":7,"parts":[{"name":"loop-0","watermarkMillis":5,"lagMillis":6,"blind":false,\
                "blindSpells":[{"fromMillis":1,"toMillis":2}]}]}},"heldSourcesUnknownChannel":0,"detectorPausedSeconds":1.5},\
                "sinks":[{"name":"log","delivered":1,"lag":0,"failedAttempts":0}],"storeHealthy":true,\
                "deadLetters":{"poison":0,"total":0}}""");
    }

    @Test
    void activeStandbyWritesTheDirectoryInLineWithANullActiveUrl() {
        StatusBody.Ha ha = new StatusBody.Ha(true, "STANDBY", 3, 5000, false, "active-standby", null,
                new StatusBody.Directory("http://a", null, List.of(new StatusBody.Instance("i-1", "http://a", "t0", "t1")), null));
        assertThat(Json.write(status(ha, List.of(), "http://mr/x"))).contains("""
                "ha":{"enabled":true,"phase":"STANDBY","ownEpoch":3,"leaseTtlMillis":5000,"detecting":false,\
                "mode":"active-standby","url":"http://a","activeUrl":null,\
                "instances":[{"instanceId":"i-1","url":"http://a","startedAt":"t0","seenAt":"t1"}]},""")
                .contains("\"detectorPausedSeconds\":1.5,\"dmaap\":\"http://mr/x\"}")
                .contains("\"sinks\":[{\"name\":\"log\",\"delivered\":1,\"lag\":0,\"failedAttempts\":0}],\"peers\":[],");
    }

    @Test
    void partitionsModeWritesOwnersAndTheErrorNoteOnlyWhenTheStoreFailed() {
        StatusBody.Ha ha = new StatusBody.Ha(true, "ACTIVE", 3, 5000, true, "kafka-partitions",
                new StatusBody.Partitions("hb", 2, List.of(0), Map.of("0", 4L), 1, null,
                        List.of(new StatusBody.Owner(0, "i-1", 4, "t0")), null), null);
        assertThat(Json.write(status(ha, null, null))).contains("""
                "mode":"kafka-partitions","partitions":{"topic":"hb","partitionCount":2,"assigned":[0],"owned":{"0":4},\
                "rebalances":1,"lastRebalanceAt":null,"owners":[{"partition":0,"owner":"i-1","epoch":4,"assignedAt":"t0"}]}},""");
    }
}

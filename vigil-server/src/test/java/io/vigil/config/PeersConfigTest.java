package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.peer.PeerType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code peers[]}: the adapter's property names, every error at once with its path, the monitor made for a peer endpoint. */
class PeersConfigTest {

    /** Without the typo hints' lists of known keys. */
    private static List<String> errorsOf(String yaml) {
        return ConfigErrors.of(yaml).stream().map(s -> s.replaceFirst("; known keys here: .*", "")).toList();
    }

    @Test
    void aServerEndpointTakesTheAdapterPropertiesAndGetsAMonitorMatchingItsTimeout() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                peers:
                  - {name: ha-pair, type: server, port: 7001, heartbeatInterval: 1000ms, heartbeatTimeout: 2s,
                     endpointId: vigil-1, serverEventLoops: 2, serverMaxConnections: 100}
                """, "test.yaml");
        PeerEndpointSettings p = c.peers().getFirst();
        assertThat(p.type()).isEqualTo(PeerType.SERVER);
        assertThat(p.hostname()).isEqualTo("0.0.0.0");
        assertThat(p.eventName()).isEqualTo("ha-pair");
        assertThat(p.properties().serverEventLoops()).isEqualTo(2);
        Monitor m = c.monitor("ha-pair");
        assertThat(m.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(m.missedHeartbeats()).isEqualTo(3); // interval + timeout = 3 s = 3 intervals
        assertThat(m.timeBase()).isEqualTo(TimeBase.ARRIVAL);
    }

    @Test
    void aDeclaredMonitorForThePeerEventNameWins() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                monitors: [{eventName: db-peers, heartbeatInterval: 1s, missedHeartbeats: 5}]
                peers:
                  - {name: db, type: client, hostname: db-1, port: 7001, eventName: db-peers, reconnectAttempts: 100}
                """, "test.yaml");
        assertThat(c.monitors()).hasSize(1);
        assertThat(c.monitor("db-peers").missedHeartbeats()).isEqualTo(5);
    }

    @Test
    void everyMistakeIsReportedWithItsPath() {
        assertThat(errorsOf("""
                peers:
                  - {name: a, type: server, port: 7001, heartbeatInterval: 1000}
                  - {name: a, type: client, port: 7002}
                  - {name: m, type: multicast, hostname: 239.255.0.1}
                  - {name: x, type: radio, port: 1, bogus: 1}
                """)).containsExactly(
                "peers[0].heartbeatInterval: needs a unit, e.g. 1000ms: the peer adapter counts bare numbers in milliseconds, "
                        + "the rest of Vigil's config in seconds",
                "peers: duplicate peer endpoint name \"a\" (also peers[0])",
                "peers[1].hostname: required: the host of the peer server to connect to",
                "peers[2].port: required: the group's UDP port",
                "peers[2].endpointId: required for multicast: it names this member in the group and decides the leader election",
                "peers[3].bogus: unknown key",
                "peers[3].type: must be one of server, client, multicast (got \"radio\")");
    }

    @Test
    void theSharedSecretIsNeverShownAndAChangeNeedsARestart() throws Exception {
        VigilConfig a = ConfigLoader.parse("peers: [{name: s, type: server, port: 7001, sharedSecret: hunter2}]", "a");
        VigilConfig b = ConfigLoader.parse("peers: [{name: s, type: server, port: 7002, sharedSecret: hunter2}]", "b");
        assertThat(ConfigJson.toJson(a, false)).contains("\"sharedSecret\" : \"******\"").doesNotContain("hunter2");
        assertThat(a.peers().getFirst().toString()).doesNotContain("hunter2");
        assertThat(ConfigDiff.between(a, b).restartNeeded()).containsExactly("peers");
        // the normalized form reads back as the same configuration (HA shares configs in this form)
        assertThat(ConfigLoader.parse(ConfigJson.toJson(a, true), "json")).isEqualTo(a);
    }
}

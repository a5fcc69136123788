package io.vigil.peer.multicast;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vigil.peer.AdapterState;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Several members in one group on the loopback interface {@code lo} (which carries multicast here only when the
 * interface is named). Interval 50 ms, timeout 250 ms. Each test uses its own group port.
 */
class MulticastGroupTest {

    private static final String GROUP = "239.255.77.1";
    private static Vertx vertx;
    private final Map<String, PeerHeartbeat> members = new LinkedHashMap<>();
    private final Map<String, EventRecorder> events = new LinkedHashMap<>();
    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @AfterEach
    void closeMembers() {
        members.values().forEach(PeerHeartbeat::close);
    }

    private PeerHeartbeat member(String id) {
        return member(id, null);
    }

    private PeerHeartbeat member(String id, String secret) {
        PeerHeartbeat hb = PeerHeartbeat.create(vertx, PeerProperties.builder()
                .type(io.vigil.peer.PeerType.MULTICAST).hostname(GROUP).port(port).networkInterface("lo")
                .endpointId(id).heartbeatIntervalMillis(50).heartbeatTimeoutMillis(250).sharedSecret(secret).build(),
                Clock.systemUTC());
        EventRecorder r = new EventRecorder();
        hb.subscribe(r);
        members.put(id, hb);
        events.put(id, r);
        hb.command(Command.of(CommandName.START)).join();
        return hb;
    }

    /** Each live member's own current status, from its latest leadership event. */
    private Map<String, LeadershipStatus> statuses() {
        Map<String, LeadershipStatus> map = new LinkedHashMap<>();
        members.forEach((id, hb) -> {
            if (hb.state() == AdapterState.RUNNING) {
                List<PeerEvent> own = events.get(id).events().stream()
                        .filter(e -> e.eventName() == EventName.LEADERSHIP).toList();
                map.put(id, own.isEmpty() ? LeadershipStatus.NON_LEADER : own.getLast().leadershipStatus());
            }
        });
        return map;
    }

    private List<String> leaders() {
        List<String> l = new ArrayList<>();
        statuses().forEach((id, s) -> {
            if (s == LeadershipStatus.LEADER) {
                l.add(id);
            }
        });
        return l;
    }

    private static org.awaitility.core.ConditionFactory within(long millis) {
        // an upper bound for something that must happen, not a claim about speed: generous for a loaded machine
        return await().atMost(Duration.ofMillis(Math.max(10_000, 5 * millis))).pollInterval(Duration.ofMillis(5));
    }

    @Test
    void membersOnLoopbackSeeEachOtherAndElectTheLowestId() {
        member("m1");
        member("m2");
        member("m3");
        within(3000).until(() -> leaders().equals(List.of("m1")));
        within(3000).until(() -> events.values().stream().allMatch(r -> r.count(CONNECTED) == 2));
        assertThat(events.get("m2").events().stream().filter(e -> "m1".equals(e.endpointId())
                && e.eventName() == EventName.HEARTBEAT).reduce((a, b) -> b).orElseThrow().leadershipStatus())
                .isEqualTo(LeadershipStatus.LEADER);
    }

    @Test
    void leaderKilledExactlyOneNewLeaderIsElected() {
        member("m1");
        member("m2");
        member("m3");
        within(3000).until(() -> leaders().equals(List.of("m1")));
        members.remove("m1").close(); // killed: it stops sending; the others notice only its silence
        within(3000).until(() -> leaders().equals(List.of("m2")));
        within(500).until(() -> events.get("m3").transitionsOf("m1").size() == 3);
        assertThat(events.get("m3").transitionsOf("m1")).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        // and it stays that way
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .failFast("another leader than m2", () -> !leaders().equals(List.of("m2")))
                .until(() -> leaders().equals(List.of("m2")));
    }

    @Test
    void suspendedLeaderLeavesAndOnResumeRejoinsWithoutSplitBrain() {
        PeerHeartbeat m1 = member("m1");
        member("m2");
        member("m3");
        within(3000).until(() -> leaders().equals(List.of("m1")));
        m1.command(Command.of(CommandName.SUSPEND)).join();
        within(3000).until(() -> leaders().equals(List.of("m2")));
        m1.command(Command.of(CommandName.RESUME)).join();
        within(3000).until(() -> events.get("m2").transitionsOf("m1").size() == 4);
        assertThat(events.get("m2").transitionsOf("m1")).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED, CONNECTED);
        // the rejoined lowest id never leads beside m2
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .failFast("another leader than m2", () -> !leaders().equals(List.of("m2")))
                .until(() -> leaders().equals(List.of("m2")));
    }

    @Test
    void strangerWithoutTheSecretCannotJoinOrClaimLeadership() {
        member("m2", "group-key");
        member("m3", "group-key");
        member("a-intruder", null); // lowest id, would lead if it were believed
        within(3000).until(() -> leaders().contains("m2"));
        assertThat(events.get("m2").events()).noneMatch(e -> "a-intruder".equals(e.endpointId()));
        assertThat(events.get("m2").errors()).extracting(e -> e.kind()).contains(ErrorKind.AUTH_FAILED);
    }

    @Test
    void unknownInterfaceIsReportedOnTheErrorChannel() {
        PeerHeartbeat hb = PeerHeartbeat.create(vertx, PeerProperties.builder().type(io.vigil.peer.PeerType.MULTICAST)
                .hostname(GROUP).port(port).networkInterface("nosuch0").endpointId("x").build(), Clock.systemUTC());
        EventRecorder r = new EventRecorder();
        hb.subscribe(r);
        members.put("x", hb);
        assertThat(hb.command(Command.of(CommandName.START))).failsWithin(Duration.ofSeconds(2));
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INTERFACE_FAILED);
            assertThat(e.message()).contains("nosuch0");
        });
    }
}

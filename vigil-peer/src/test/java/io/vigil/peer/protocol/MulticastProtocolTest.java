package io.vigil.peer.protocol;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.LEADERSHIP;
import static io.vigil.peer.EventName.RECONNECT;
import static io.vigil.peer.EventName.TIMEOUT;
import static io.vigil.peer.LeadershipStatus.LEADER;
import static io.vigil.peer.LeadershipStatus.NON_LEADER;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.Timing;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A simulated group of members on one manual clock, delivering each member's datagrams to every other member that is
 * in the group and not partitioned from it. Interval 100 ms, timeout 200 ms.
 */
class MulticastProtocolTest {

    private static final Timing TIMING = new Timing(100, 200, 0, 1000);

    private final class Node implements MulticastProtocol.Io {
        final String id;
        final EventRecorder events = new EventRecorder();
        final MulticastProtocol protocol;
        final List<Long> joinAttempts = new ArrayList<>();
        boolean joined = true;
        boolean alive = true;
        int failJoins;
        int side;

        Node(String id, String nonce, int quorum, boolean checkFreshness) {
            this(id, nonce, quorum, checkFreshness, TIMING);
        }

        Node(String id, String nonce, int quorum, boolean checkFreshness, Timing timing) {
            this.id = id;
            this.protocol = new MulticastProtocol(id, nonce, "127.0.0.1", 4446, timing, quorum, checkFreshness,
                    events, this);
        }

        @Override
        public void send(Frame frame) {
            outbox.add(new Object[] {this, frame});
        }

        @Override
        public void join() {
            joinAttempts.add(now);
            if (failJoins > 0) {
                failJoins--;
                protocol.joinFailed(now, "interface down");
            } else {
                joined = true;
                protocol.joined(now);
            }
        }

        @Override
        public void leave() {
            joined = false;
        }
    }

    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final List<Object[]> outbox = new ArrayList<>();
    private long now = 10_000;

    private Node add(String id) {
        return add(id, 1);
    }

    private Node add(String id, int quorum) {
        Node n = new Node(id, "aa" + Integer.toHexString(nodes.size() + id.hashCode() & 0xffff), quorum, false);
        nodes.put(id, n);
        n.protocol.start(now);
        deliver();
        return n;
    }

    /** A member with reconnection settings whose first join failed; {@code failRetries} retries fail too. */
    private Node addUnjoined(String id, int attempts, long sleep, int failRetries) {
        Node n = new Node(id, "cc" + Integer.toHexString(id.hashCode() & 0xffff), 1, false,
                new Timing(100, 200, attempts, sleep));
        n.joined = false;
        n.failJoins = failRetries;
        nodes.put(id, n);
        n.protocol.startUnjoined(now, "cannot join: interface down");
        deliver();
        return n;
    }

    private void deliver() {
        while (!outbox.isEmpty()) {
            Object[] item = outbox.removeFirst();
            Node from = (Node) item[0];
            for (Node to : nodes.values()) {
                if (to.alive && to.joined && from.side == to.side) {
                    to.protocol.received((Frame) item[1], "127.0.0.1", 4446, now);
                }
            }
        }
    }

    private void advance(long millis) {
        for (long end = now + millis; now < end; ) {
            now = Math.min(end, now + 10);
            for (Node n : nodes.values()) {
                if (n.alive) {
                    n.protocol.tick(now);
                }
            }
            deliver();
        }
    }

    private List<String> leaders() {
        return nodes.values().stream().filter(n -> n.alive && n.protocol.status() == LEADER).map(n -> n.id).toList();
    }

    @Test
    void aGroupStartedTogetherElectsTheLowestIdAfterTheListeningWindow() {
        Node a = add("a");
        add("b");
        add("c");
        advance(290);
        assertThat(leaders()).isEmpty();
        advance(20);
        assertThat(leaders()).containsExactly("a");
        assertThat(a.events.transitions()).containsExactly(CONNECTED, CONNECTED, LEADERSHIP);
        assertThat(nodes.get("b").protocol.liveMembers()).containsExactly("a", "c");
    }

    @Test
    void whenTheLeaderGoesSilentTheOthersElectExactlyOneNewLeaderAfterTheLimit() {
        add("a");
        add("b");
        add("c");
        advance(400);
        nodes.get("a").alive = false;
        long killedAt = now;
        advance(200);
        assertThat(leaders()).isEmpty();
        advance(200);
        assertThat(leaders()).containsExactly("b");
        Node c = nodes.get("c");
        assertThat(c.events.transitionsOf("a")).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        long detectedAt = c.events.events().stream().filter(e -> e.eventName() == TIMEOUT).findFirst().orElseThrow()
                .receivedTimestamp();
        assertThat(detectedAt - killedAt).isLessThanOrEqualTo(TIMING.silenceLimitMillis() + TIMING.tickMillis());
        assertThat(nodes.get("b").events.events().stream().filter(e -> e.eventName() == LEADERSHIP))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.leadershipStatus()).isEqualTo(LEADER);
                    assertThat(e.endpointId()).isEqualTo("b");
                });
    }

    @Test
    void aRejoiningOldLeaderWithTheLowestIdDoesNotTakeOver() {
        Node a = add("a");
        add("b");
        advance(400);
        a.protocol.suspend(now);
        assertThat(a.protocol.status()).isEqualTo(NON_LEADER);
        advance(400);
        assertThat(leaders()).containsExactly("b");
        a.protocol.resume(now);
        for (int i = 0; i < 100; i++) {
            advance(10);
            assertThat(leaders()).as("at most one leader at %d ms", i * 10).hasSizeLessThanOrEqualTo(1);
        }
        assertThat(leaders()).containsExactly("b");
    }

    @Test
    void aFrozenLeaderStepsDownWhenItWakesInsteadOfLeadingBesideTheNewOne() {
        Node a = add("a");
        add("b");
        advance(400);
        a.alive = false; // SIGSTOP: no ticks, no datagrams
        advance(600);
        assertThat(leaders()).containsExactly("b");
        a.alive = true;
        advance(10);
        assertThat(a.protocol.status()).isEqualTo(NON_LEADER);
        advance(1000);
        assertThat(leaders()).containsExactly("b");
    }

    @Test
    void twoHalvesOfAPartitionEachLeadAndConvergeToTheLowestIdWhenItHeals() {
        add("a");
        add("b");
        add("c");
        add("d");
        advance(400);
        nodes.get("c").side = 1;
        nodes.get("d").side = 1;
        advance(600);
        assertThat(leaders()).containsExactly("a", "c");
        nodes.get("c").side = 0;
        nodes.get("d").side = 0;
        advance(TIMING.intervalMillis() + 20);
        assertThat(leaders()).containsExactly("a");
    }

    @Test
    void withAMajorityQuorumTheMinorityHalfHasNoLeader() {
        add("a", 2);
        add("b", 2);
        add("c", 2);
        advance(400);
        assertThat(leaders()).containsExactly("a");
        nodes.get("a").side = 1;
        advance(600);
        assertThat(leaders()).containsExactly("b");
    }

    @Test
    void aSecondMemberWithTheSameIdIsReportedOnce() {
        Node a = add("a");
        Node impostor = new Node("a", "bb01", 1, false);
        nodes.put("a'", impostor);
        impostor.protocol.start(now);
        deliver();
        advance(300);
        assertThat(a.events.errors()).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.DUPLICATE_ENDPOINT));
    }

    @Test
    void staleFramesAreDroppedWhenFreshnessIsChecked() {
        Node a = new Node("a", "aa01", 1, true);
        nodes.put("a", a);
        a.protocol.start(now);
        a.protocol.received(new Frame(FrameType.HEARTBEAT, "b", 1, now - 10_000, "bb", null,
                LeadershipStatus.LEADER), "127.0.0.1", 1, now);
        assertThat(a.events.transitions()).isEmpty();
        assertThat(a.events.errors()).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH_FAILED));
    }

    @Test
    void stopEmitsDisconnectedThenTimeoutPerMemberAndGivesUpLeadership() {
        Node a = add("a");
        add("b");
        advance(400);
        a.events.clear();
        a.protocol.stop(now);
        assertThat(a.events.names()).containsExactly(DISCONNECTED, TIMEOUT, LEADERSHIP);
    }

    @Test
    void aFailedFirstJoinIsRetriedReconnectSleepApartAndASuccessEmitsReconnect() {
        add("a");
        long t = now;
        Node b = addUnjoined("b", 3, 1000, 1); // retry 1 fails, retry 2 succeeds
        advance(1500);
        assertThat(b.joinAttempts).containsExactly(t + 1000);
        assertThat(b.protocol.rejoining()).isTrue();
        assertThat(nodes.get("a").events.transitionsOf("b")).isEmpty(); // it sent nothing while out of the group
        advance(600);
        assertThat(b.joinAttempts).containsExactly(t + 1000, t + 2000);
        assertThat(b.protocol.rejoining()).isFalse();
        assertThat(b.events.transitionsOf("b")).containsExactly(RECONNECT);
        assertThat(b.events.errors()).extracting(e -> e.kind())
                .containsExactly(ErrorKind.INTERFACE_FAILED, ErrorKind.INTERFACE_FAILED);
        advance(200);
        assertThat(nodes.get("a").events.transitionsOf("b")).containsExactly(CONNECTED);
        assertThat(b.protocol.liveMembers()).containsExactly("a");
        assertThat(b.protocol.ended()).isFalse();
    }

    @Test
    void whenEveryRetryFailsTheMemberEmitsDisconnectedReportsInterfaceFailedAndEnds() {
        Node b = addUnjoined("b", 2, 1000, 2);
        long t = now;
        advance(1990);
        assertThat(b.protocol.ended()).isFalse();
        advance(20);
        assertThat(b.joinAttempts).containsExactly(t + 1000, t + 2000);
        assertThat(b.protocol.ended()).isTrue();
        assertThat(b.events.events()).singleElement().satisfies(e -> {
            assertThat(e.eventName()).isEqualTo(DISCONNECTED);
            assertThat(e.endpointId()).isEqualTo("b");
            assertThat(e.receivedTimestamp()).isEqualTo(t + 2000);
        });
        assertThat(b.events.errors()).extracting(e -> e.kind()).containsOnly(ErrorKind.INTERFACE_FAILED);
        assertThat(b.events.errors().getLast().message()).contains("gave up", "2 reconnection attempts");
        advance(5000);
        assertThat(b.joinAttempts).hasSize(2);
        b.protocol.stop(now);
        assertThat(b.events.events()).hasSize(1);
    }

    @Test
    void aLeaderWhoseSendingFailsStepsDownRetriesAndCarriesOn() {
        Node a = new Node("a", "aa01", 1, false, new Timing(100, 200, 3, 500));
        nodes.put("a", a);
        a.protocol.start(now);
        add("b");
        advance(400);
        assertThat(leaders()).containsExactly("a");
        a.events.clear();
        a.joined = false; // the interface went down: the edge saw a send fail
        a.protocol.groupLost(now);
        assertThat(a.protocol.status()).isEqualTo(NON_LEADER);
        advance(300);
        assertThat(leaders()).containsExactly("b");
        advance(200);
        assertThat(a.events.transitionsOf("a")).containsExactly(LEADERSHIP, RECONNECT);
        assertThat(a.protocol.ended()).isFalse();
    }

    @Test
    void withoutReconnectAttemptsAFailedRejoinIsOnlyReported() {
        Node a = add("a");
        advance(400);
        a.protocol.suspend(now);
        a.failJoins = 5;
        a.protocol.resume(now);
        advance(3000);
        assertThat(a.joinAttempts).hasSize(1);
        assertThat(a.events.errors()).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.INTERFACE_FAILED));
        assertThat(a.protocol.ended()).isFalse();
        assertThat(a.events.names()).doesNotContain(RECONNECT, DISCONNECTED);
    }
}

package io.vigil.peer.protocol;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.HEARTBEAT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.Timing;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Server timing rules on a manual clock: interval 100 ms, timeout 200 ms, so silence limit 300 ms. */
class ServerProtocolTest {

    private static final Timing TIMING = new Timing(100, 200, 0, 1000);
    private final EventRecorder events = new EventRecorder();
    private final List<Frame> sent = new ArrayList<>();
    private final List<Long> closed = new ArrayList<>();
    private final AtomicInteger nonceCounter = new AtomicInteger();
    private long now = 1_000_000;
    private final ServerProtocol server = new ServerProtocol("srv", TIMING, events, new ServerProtocol.Io() {
        @Override
        public void send(long connection, Frame frame) {
            sent.add(frame);
        }

        @Override
        public void close(long connection) {
            closed.add(connection);
        }
    }, () -> "5e" + nonceCounter.incrementAndGet(), now);
    private long clientSeq;

    private void advance(long millis) {
        for (long end = now + millis; now < end; ) {
            now = Math.min(end, now + 10);
            server.tick(now);
        }
    }

    /** Ticks every 10 ms for {@code millis} while the read loop has proven only {@code heardUpTo}. */
    private void advanceBehind(long millis, long heardUpTo) {
        for (long end = now + millis; now < end; ) {
            now = Math.min(end, now + 10);
            server.tick(now, heardUpTo);
        }
    }

    /** Accepts connection 1 and completes the handshake as client "c1" with nonce "c1". */
    private void connectClient() {
        server.accepted(1, "127.0.0.1", 40000, now);
        server.received(1, new Frame(FrameType.HELLO, "c1", ++clientSeq, now, "c1", null, null), now);
        Frame hello = sent.getLast();
        assertThat(hello.type()).isEqualTo(FrameType.HELLO);
        assertThat(hello.peerNonce()).isEqualTo("c1");
        clientHeartbeat(hello.nonce());
    }

    private void clientHeartbeat(String serverNonce) {
        server.received(1, new Frame(FrameType.HEARTBEAT, "c1", ++clientSeq, now, "c1", serverNonce, null), now);
    }

    private String serverNonce() {
        return sent.getFirst().nonce();
    }

    @Test
    void handshakeCompletionEmitsConnectedOnly() {
        connectClient();
        assertThat(events.names()).containsExactly(CONNECTED);
        assertThat(events.events().getFirst().endpointId()).isEqualTo("c1");
        assertThat(events.events().getFirst().hostname()).isEqualTo("127.0.0.1");
    }

    @Test
    void eachClientHeartbeatEmitsHeartbeatAndServerSendsOnePerInterval() {
        connectClient();
        for (int i = 0; i < 5; i++) {
            advance(100);
            clientHeartbeat(serverNonce());
        }
        assertThat(events.names()).containsExactly(CONNECTED, HEARTBEAT, HEARTBEAT, HEARTBEAT, HEARTBEAT, HEARTBEAT);
        assertThat(sent.stream().filter(f -> f.type() == FrameType.HEARTBEAT)).hasSize(5);
        assertThat(sent.stream().mapToLong(Frame::seq)).isSorted();
    }

    @Test
    void eachClientHeartbeatIsAnsweredAtOnceButNotMoreOftenThanEveryHalfInterval() {
        connectClient();
        advance(60);
        int before = sent.size();
        clientHeartbeat(serverNonce());
        assertThat(sent).hasSize(before + 1); // answered in the same call, at the client's phase
        assertThat(sent.getLast().type()).isEqualTo(FrameType.HEARTBEAT);
        assertThat(sent.getLast().sentAt()).isEqualTo(now);
        advance(40);
        clientHeartbeat(serverNonce()); // 40 ms after the answer: less than half an interval
        assertThat(sent).hasSize(before + 1);
        advance(10);
        clientHeartbeat(serverNonce()); // 50 ms after: answered
        assertThat(sent).hasSize(before + 2);
    }

    @Test
    void aClientThatCallsForNothingStillHearsTheServerEveryIntervalPlusAQuarterOfTheShorterOfIntervalAndTimeout() {
        connectClient();
        long helloAt = sent.getFirst().sentAt();
        advance(290); // silent client (it will time out at 300): the server keeps sending on its own
        List<Long> at = sent.stream().filter(f -> f.type() == FrameType.HEARTBEAT).map(Frame::sentAt).toList();
        // Due 125 ms after the last frame (slack = min(100, 200) / 4 = 25 ms), sent on the first 10 ms tick from then.
        assertThat(at).containsExactly(helloAt + 130, helloAt + 260);
    }

    @Test
    void aHandshakeCompletedBetweenTwoTicksIsJudgedByItsOwnDeadlinesNotItsHandshakeLimit() {
        server.accepted(1, "127.0.0.1", 40000, now);
        server.received(1, new Frame(FrameType.HELLO, "c1", ++clientSeq, now, "c1", null, null), now);
        long helloAt = now;
        advance(40); // ticks while the only deadline is the handshake limit, 5 s away
        clientHeartbeat(serverNonce()); // connects; not answered (40 ms after the hello, under half an interval)
        long connectedAt = now;
        advance(300);
        List<Long> beats = sent.stream().filter(f -> f.type() == FrameType.HEARTBEAT).map(Frame::sentAt).toList();
        assertThat(beats).as("unasked heartbeats 125 ms after the last frame, on the first tick from then")
                .containsExactly(helloAt + 130, helloAt + 260);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(events.events().get(1).receivedTimestamp()).isEqualTo(connectedAt + 300);
    }

    @Test
    void aSilentClientAmongBusyOnesTimesOutOnTheFirstTickAtItsLimit() {
        // Busy clients keep the scans sparse (nothing of theirs is due soon); the one that falls silent after its
        // handshake must still be judged on the first tick at its deadline. Client c connects at 7c ms, between
        // ticks; clients 0..8 then send every 100 ms, client 9 nothing. The server ticks every 10 ms from t0.
        long t0 = now;
        String[] nonces = new String[10];
        long[] seq = new long[10];
        for (long t = t0; t <= t0 + 500; t++) {
            for (int c = 0; c < 10; c++) {
                long phase = t - t0 - 7L * c;
                if (phase == 0) {
                    server.accepted(c, "127.0.0.1", 40000 + c, t);
                    server.received(c, new Frame(FrameType.HELLO, "c" + c, ++seq[c], t, "c" + c, null, null), t);
                    nonces[c] = sent.getLast().nonce();
                }
                if (phase >= 0 && phase % 100 == 0 && (c < 9 || phase == 0)) {
                    server.received(c, new Frame(FrameType.HEARTBEAT, "c" + c, ++seq[c], t, "c" + c, nonces[c],
                            null), t);
                }
            }
            if ((t - t0) % 10 == 0) {
                now = t;
                server.tick(t);
            }
        }
        List<io.vigil.peer.PeerEvent> timeouts = events.events().stream().filter(e -> e.eventName() == TIMEOUT)
                .toList();
        assertThat(timeouts).hasSize(1);
        assertThat(timeouts.getFirst().endpointId()).isEqualTo("c9");
        assertThat(timeouts.getFirst().receivedTimestamp()).isEqualTo(t0 + 370); // last heard at 63, limit 300
    }

    /**
     * Reference model: the server's rules as a look at every session on every tick (what the tick did before it kept
     * due times). 40 clients connect at random times and send at random gaps, mostly about an interval, sometimes long
     * enough to time out, recover or be reaped; every event, send and close must come at the model's time.
     */
    @Test
    void everyEventSendAndCloseComesWhenAReferenceModelLookingAtEverySessionEveryTickSaysSo() {
        java.util.Random random = new java.util.Random(14);
        int clients = 40;
        List<Long> capturedSends = new ArrayList<>();
        List<Long> capturedCloses = new ArrayList<>();
        ServerProtocol server = new ServerProtocol("srv", TIMING, events, new ServerProtocol.Io() {
            @Override
            public void send(long connection, Frame frame) {
                capturedSends.add(connection * 1_000_000_000L + frame.sentAt() - 1_000_000);
            }

            @Override
            public void close(long connection) {
                capturedCloses.add(connection * 1_000_000_000L + now - 1_000_000);
            }
        }, () -> "5e" + nonceCounter.incrementAndGet(), now);
        List<String> expected = new ArrayList<>();
        List<Long> expectedSends = new ArrayList<>();
        List<Long> expectedCloses = new ArrayList<>();
        long t0 = now;
        long[] nextSend = new long[clients];
        long[] lastSent = new long[clients];
        long[] lastHeard = new long[clients];
        long[] seq = new long[clients];
        int[] state = new int[clients]; // 0 not yet, 1 connected, 2 lost, 3 reaped
        String[] nonces = new String[clients];
        for (int c = 0; c < clients; c++) {
            nextSend[c] = t0 + 1 + random.nextInt(500);
        }
        for (long t = t0 + 1; t <= t0 + 4000; t++) {
            for (int c = 0; c < clients; c++) {
                if (t != nextSend[c] || state[c] == 3) {
                    continue;
                }
                if (state[c] == 0) {
                    server.accepted(c, "127.0.0.1", 40000 + c, t);
                    nonces[c] = "5e" + nonceCounter.get(); // the nonce the server took for this connection
                    server.received(c, new Frame(FrameType.HELLO, "c" + c, ++seq[c], t, "c" + c, null, null), t);
                    expectedSends.add(c * 1_000_000_000L + t - 1_000_000);
                    lastSent[c] = t;
                }
                server.received(c, new Frame(FrameType.HEARTBEAT, "c" + c, ++seq[c], t, "c" + c, nonces[c], null), t);
                if (t - lastSent[c] >= 50) {
                    expectedSends.add(c * 1_000_000_000L + t - 1_000_000);
                    lastSent[c] = t;
                }
                expected.add(c + "@" + (t - t0) + (state[c] == 1 ? " heartbeat" : " connected"));
                state[c] = 1;
                lastHeard[c] = t;
                int roll = random.nextInt(20);
                nextSend[c] = t + (roll == 0 ? 250 + random.nextInt(500) : 80 + random.nextInt(40));
            }
            if ((t - t0) % 10 == 0) {
                now = t;
                server.tick(t);
                for (int c = 0; c < clients; c++) {
                    if (state[c] == 0 || state[c] == 3) {
                        continue;
                    }
                    if (t - lastSent[c] >= 125) {
                        expectedSends.add(c * 1_000_000_000L + t - 1_000_000);
                        lastSent[c] = t;
                    }
                    if (state[c] == 1 && t - lastHeard[c] >= 300) {
                        state[c] = 2;
                        expected.add(c + "@" + (t - t0) + " timeout");
                        expected.add(c + "@" + (t - t0) + " disconnected");
                    } else if (state[c] == 2 && t - lastHeard[c] >= 600) {
                        state[c] = 3;
                        expectedCloses.add(c * 1_000_000_000L + t - 1_000_000);
                    }
                }
            }
        }
        List<String> actual = events.events().stream()
                .map(e -> (e.port() - 40000) + "@" + (e.receivedTimestamp() - t0) + " " + e.eventName().jsonName())
                .toList();
        java.util.Comparator<String> bySession = java.util.Comparator.comparing(e -> Integer.parseInt(e.split("@")[0]));
        assertThat(actual.stream().sorted(bySession).toList()).isEqualTo(expected.stream().sorted(bySession).toList());
        assertThat(capturedSends.stream().sorted().toList()).isEqualTo(expectedSends.stream().sorted().toList());
        assertThat(capturedCloses.stream().sorted().toList()).isEqualTo(expectedCloses.stream().sorted().toList());
        assertThat(expected).as("the run exercised timeouts, recoveries and reaping")
                .anyMatch(e -> e.endsWith("timeout")).hasSizeGreaterThan(1000);
        assertThat(expectedCloses).isNotEmpty();
    }

    @Test
    void closedConnectionEmitsTimeoutThenDisconnected() {
        connectClient();
        server.closed(1, now);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void clientSilentForIntervalPlusTimeoutEmitsTimeoutThenDisconnectedExactlyAtTheLimit() {
        connectClient();
        long lastHeard = now;
        advance(290);
        assertThat(events.names()).containsExactly(CONNECTED);
        advance(10);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(events.events().get(1).receivedTimestamp()).isEqualTo(lastHeard + 300);
        assertThat(closed).as("a hung client's connection stays open so it can recover").isEmpty();
    }

    @Test
    void hungClientThatRecoversEmitsConnectedAgain() {
        connectClient();
        advance(400);
        clientHeartbeat(serverNonce());
        clientHeartbeat(serverNonce());
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED, CONNECTED, HEARTBEAT);
    }

    @Test
    void stopEmitsDisconnectedThenTimeoutAndClosesEveryConnection() {
        connectClient();
        server.accepted(2, "127.0.0.1", 40001, now); // still in handshake: no events
        server.stop(now);
        assertThat(events.names()).containsExactly(CONNECTED, DISCONNECTED, TIMEOUT);
        assertThat(closed).containsExactlyInAnyOrder(1L, 2L);
        server.closed(1, now);
        assertThat(events.names()).hasSize(3);
    }

    @Test
    void replayedSequenceNumberIsRejectedAndClosesTheConnection() {
        connectClient();
        server.received(1, new Frame(FrameType.HEARTBEAT, "c1", clientSeq, now, "c1", serverNonce(), null), now);
        assertThat(events.errors()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH_FAILED));
        assertThat(closed).containsExactly(1L);
    }

    @Test
    void heartbeatNotEchoingTheServerNonceIsRejected() {
        server.accepted(1, "127.0.0.1", 40000, now);
        server.received(1, new Frame(FrameType.HELLO, "c1", 1, now, "c1", null, null), now);
        server.received(1, new Frame(FrameType.HEARTBEAT, "c1", 2, now, "c1", "bad", null), now);
        assertThat(events.names()).isEmpty();
        assertThat(events.errors()).singleElement().satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH_FAILED));
    }

    @Test
    void connectionWithoutHandshakeIsClosedAfterTheHandshakeLimit() {
        server.accepted(1, "10.0.0.9", 5555, now);
        advance(4990);
        assertThat(closed).isEmpty();
        advance(10);
        assertThat(closed).containsExactly(1L);
        assertThat(events.names()).isEmpty();
        advance(100); // the close has not completed yet: the session is not rejected twice
        assertThat(events.errors()).hasSize(1);
    }

    @Test
    void badFrameOnAConnectedSessionEmitsTimeoutThenDisconnectedOnce() {
        connectClient();
        server.rejected(1, ErrorKind.BAD_FRAME, "garbage", now);
        server.closed(1, now);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void suspendedServerNeitherSendsNorTimesOutAndResumesWhereItWas() {
        connectClient();
        int sentBefore = sent.size();
        server.suspend(now);
        advance(1000);
        assertThat(sent).hasSize(sentBefore);
        server.resume(now);
        advance(290);
        assertThat(events.names()).containsExactly(CONNECTED);
        advance(10);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void ownFreezeLongerThanTheLimitDoesNotTimeOutClients() {
        connectClient();
        now += 5000; // e.g. SIGSTOP of this process
        server.tick(now);
        assertThat(events.names()).containsExactly(CONNECTED);
    }

    @Test
    void aServerBehindItsReadsDoesNotTimeOutAClientWhoseHeartbeatIsStillUnread() {
        connectClient();
        long lastHeard = now;
        // The read loop is busy (a connect burst): the clock runs on, but the watermark stays 200 ms after the last
        // heartbeat read; the client's next heartbeat waits unread in its socket.
        for (int i = 0; i < 100; i++) {
            now += 10;
            server.tick(now, lastHeard + 200);
        }
        assertThat(events.names()).containsExactly(CONNECTED);
        clientHeartbeat(serverNonce()); // read at last, 1 s late
        server.tick(now + 10, now);
        assertThat(events.names()).containsExactly(CONNECTED, HEARTBEAT);
    }

    @Test
    void aSilentClientTimesOutOnceTheWatermarkPassesItsDeadlineNotBefore() {
        connectClient();
        long lastHeard = now;
        advanceBehind(2000, lastHeard + 299);
        assertThat(events.names()).containsExactly(CONNECTED);
        now += 10;
        server.tick(now, lastHeard + 300);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void theWatermarkNeverRunsAheadOfTheClock() {
        connectClient();
        now += 290;
        server.tick(now, now + 1000);
        assertThat(events.names()).containsExactly(CONNECTED);
    }

    @Test
    void aLostSessionSilentForAnotherIntervalPlusTimeoutIsClosedWithoutFurtherEvents() {
        connectClient();
        advance(300);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        advance(290);
        assertThat(closed).isEmpty();
        advance(10); // 600 ms = 2 × (interval + timeout) of silence
        assertThat(closed).containsExactly(1L);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(events.errors()).isEmpty();
        server.closed(1, now);
        advance(1000);
        assertThat(closed).containsExactly(1L);
        assertThat(events.names()).hasSize(3);
        assertThat(server.connectedCount()).isZero();
    }

    @Test
    void theReaperAlsoWaitsForTheWatermark() {
        connectClient();
        long lastHeard = now;
        advanceBehind(5000, lastHeard + 310);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        server.tick(now + 10, lastHeard + 590);
        assertThat(closed).isEmpty();
        server.tick(now + 20, lastHeard + 600);
        assertThat(closed).containsExactly(1L);
    }

    @Test
    void theHandshakeLimitIsJudgedAgainstTheWatermark() {
        server.accepted(1, "10.0.0.9", 5555, now);
        long openedAt = now;
        advanceBehind(20_000, openedAt + 4990);
        assertThat(closed).isEmpty();
        server.tick(now + 10, openedAt + 5000);
        assertThat(closed).containsExactly(1L);
    }
}

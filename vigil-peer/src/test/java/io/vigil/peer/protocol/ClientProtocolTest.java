package io.vigil.peer.protocol;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.HEARTBEAT;
import static io.vigil.peer.EventName.RECONNECT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.Timing;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client timing rules on a manual clock: interval 100, timeout 200 (limit 300), sleep 500 ms. */
class ClientProtocolTest {

    private final EventRecorder events = new EventRecorder();
    private final List<Frame> sent = new ArrayList<>();
    private int connects;
    private int closes;
    private long now = 5_000_000;
    private long serverSeq;
    private int nonceCounter;
    private ClientProtocol client;

    private ClientProtocol client(int attempts) {
        client = new ClientProtocol("cli", "db-1", 7001, new Timing(100, 200, attempts, 500), events,
                new ClientProtocol.Io() {
                    @Override
                    public void connect() {
                        connects++;
                    }

                    @Override
                    public void send(Frame frame) {
                        sent.add(frame);
                    }

                    @Override
                    public void close() {
                        closes++;
                    }
                }, () -> "c" + (++nonceCounter));
        client.start(now);
        return client;
    }

    private void advance(long millis) {
        for (long end = now + millis; now < end; ) {
            now = Math.min(end, now + 10);
            client.tick(now);
        }
    }

    /** Opens a connection and answers the client's hello as server nonce "5" + n. */
    private void openAndHandshake() {
        client.connectionOpened(now);
        Frame hello = sent.getLast();
        assertThat(hello.type()).isEqualTo(FrameType.HELLO);
        client.received(new Frame(FrameType.HELLO, "srv", ++serverSeq, now, "5" + nonceCounter, hello.nonce(), null),
                now);
    }

    private void serverHeartbeat() {
        client.received(new Frame(FrameType.HEARTBEAT, "srv", ++serverSeq, now, "5" + nonceCounter, "c" + nonceCounter,
                null), now);
    }

    @Test
    void handshakeEmitsConnectedAndAnswersAtOnce() {
        client(0);
        assertThat(connects).isEqualTo(1);
        openAndHandshake();
        assertThat(events.names()).containsExactly(CONNECTED);
        assertThat(events.events().getFirst()).satisfies(e -> {
            assertThat(e.hostname()).isEqualTo("db-1");
            assertThat(e.port()).isEqualTo(7001);
            assertThat(e.endpointId()).isEqualTo("srv");
        });
        assertThat(sent.getLast().type()).isEqualTo(FrameType.HEARTBEAT);
        assertThat(sent.getLast().peerNonce()).isEqualTo("51");
    }

    @Test
    void eachServerHeartbeatEmitsHeartbeatAndClientSendsOnePerInterval() {
        client(0);
        openAndHandshake();
        int before = sent.size();
        for (int i = 0; i < 3; i++) {
            advance(100);
            serverHeartbeat();
        }
        assertThat(events.names()).containsExactly(CONNECTED, HEARTBEAT, HEARTBEAT, HEARTBEAT);
        assertThat(sent).hasSize(before + 3);
    }

    @Test
    void stopEmitsDisconnectedThenTimeout() {
        client(0);
        openAndHandshake();
        client.stop(now);
        assertThat(events.names()).containsExactly(CONNECTED, DISCONNECTED, TIMEOUT);
        assertThat(closes).isEqualTo(1);
    }

    @Test
    void silentServerEmitsTimeoutAtTheLimitAndWithNoAttemptsDisconnectedAtOnce() {
        client(0);
        openAndHandshake();
        advance(290);
        assertThat(events.names()).containsExactly(CONNECTED);
        advance(10);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(client.phase()).isEqualTo(ClientProtocol.Phase.DISCONNECTED);
    }

    @Test
    void hungServerThatRecoversWithinTheAttemptsEmitsTimeoutThenReconnect() {
        client(3); // window 3 x 500 ms
        openAndHandshake();
        advance(300);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT);
        advance(1400);
        serverHeartbeat(); // same connection, the server woke up
        serverHeartbeat();
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, RECONNECT, HEARTBEAT);
        assertThat(connects).as("the open connection is kept while the server hangs").isEqualTo(1);
    }

    @Test
    void hungServerThatStaysSilentPastTheAttemptsEmitsDisconnectedAtTimeoutPlusAttemptsTimesSleep() {
        client(3);
        openAndHandshake();
        advance(300);
        long timedOutAt = now;
        advance(1490);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT);
        advance(10);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(events.events().getLast().receivedTimestamp()).isEqualTo(timedOutAt + 1500);
    }

    @Test
    void serverThatClosesEmitsTimeoutThenRetriesEverySleepAndReconnects() {
        client(3);
        openAndHandshake();
        client.closed(now);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT);
        assertThat(connects).as("first attempt at once").isEqualTo(2);
        client.connectFailed("Connection refused", now);
        advance(500);
        assertThat(connects).isEqualTo(3);
        openAndHandshake();
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, RECONNECT);
        assertThat(events.errors()).singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONNECT_FAILED));
    }

    @Test
    void serverThatStaysDownEmitsDisconnectedOnceTheAttemptsRunOut() {
        client(2);
        openAndHandshake();
        client.closed(now);
        client.connectFailed("refused", now);
        advance(500);
        client.connectFailed("refused", now);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT);
        advance(500);
        assertThat(events.names()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(connects).isEqualTo(3);
        advance(5000);
        assertThat(connects).as("no attempts after giving up").isEqualTo(3);
    }

    @Test
    void firstConnectionThatFailsIsRetriedThenGivenUpWithAnErrorAndNoEvents() {
        client(1);
        client.connectFailed("refused", now);
        advance(500);
        assertThat(connects).isEqualTo(2);
        client.connectFailed("refused", now);
        assertThat(client.phase()).isEqualTo(ClientProtocol.Phase.DISCONNECTED);
        assertThat(events.names()).isEmpty();
        assertThat(events.errors()).hasSize(3).last().satisfies(e -> assertThat(e.message()).contains("gave up"));
    }

    @Test
    void suspendedClientSendsNothingAndDoesNotTimeOut() {
        client(0);
        openAndHandshake();
        int before = sent.size();
        client.suspend(now);
        advance(2000);
        assertThat(sent).hasSize(before);
        assertThat(events.names()).containsExactly(CONNECTED);
        client.resume(now);
        advance(100);
        assertThat(sent).hasSize(before + 1);
    }

    @Test
    void frameNotEchoingThisConnectionsNonceIsRejected() {
        client(0);
        client.connectionOpened(now);
        client.received(new Frame(FrameType.HELLO, "srv", 1, now, "99", "other", null), now);
        assertThat(events.names()).isEmpty();
        assertThat(events.errors()).first().satisfies(e -> assertThat(e.kind()).isEqualTo(ErrorKind.AUTH_FAILED));
    }
}

package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.HEARTBEAT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.CommandName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import org.junit.jupiter.api.Test;

/** Every row of the server transition table, over real loopback sockets, asserting the server's exact events. */
class ServerTransitionsTest extends TcpTestBase {

    private final EventRecorder server = new EventRecorder();
    private final EventRecorder client = new EventRecorder();

    @Test
    void clientThatConnectsEmitsConnected() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 0, 100, client);
        within(2000).until(() -> server.transitions().contains(CONNECTED));
        assertThat(server.transitions()).containsExactly(CONNECTED);
        assertThat(server.events().getFirst().endpointId()).isEqualTo("cli");
        assertThat(server.events().getFirst().hostname()).isEqualTo("127.0.0.1");
    }

    @Test
    void eachHeartbeatIntervalEmitsHeartbeat() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 0, 100, client);
        within(3000).until(() -> server.count(HEARTBEAT) >= 5);
        assertThat(server.names().getFirst()).isEqualTo(CONNECTED);
        assertThat(server.names().subList(1, server.names().size())).containsOnly(HEARTBEAT);
        assertThat(server.events().stream().mapToLong(e -> e.seqnum())).isSorted();
    }

    @Test
    void clientThatDisconnectsEmitsTimeoutThenDisconnected() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c = client(s.localPort(), 0, 100, client);
        within(2000).until(() -> server.transitions().contains(CONNECTED));
        send(c, CommandName.STOP);
        within(2000).until(() -> server.transitions().size() == 3);
        assertThat(server.transitions()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void clientThatHangsEmitsTimeoutThenDisconnected() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c = client(s.localPort(), 0, 100, client);
        within(2000).until(() -> server.transitions().contains(CONNECTED));
        send(c, CommandName.SUSPEND); // stops reading and writing, keeps the connection open
        within(2000).until(() -> server.transitions().size() == 3);
        assertThat(server.transitions()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
    }

    @Test
    void hungClientThatRecoversEmitsConnected() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c = client(s.localPort(), 0, 100, client);
        within(2000).until(() -> server.transitions().contains(CONNECTED));
        send(c, CommandName.SUSPEND);
        within(2000).until(() -> server.transitions().size() == 3);
        send(c, CommandName.RESUME);
        within(2000).until(() -> server.transitions().size() == 4);
        assertThat(server.transitions()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED, CONNECTED);
        within(2000).until(() -> server.names().getLast() == HEARTBEAT);
        assertThat(client.transitions()).as("the client never noticed it hung").containsExactly(CONNECTED);
    }

    @Test
    void stopOnTheServerEmitsDisconnectedThenTimeout() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 0, 100, client);
        within(2000).until(() -> server.transitions().contains(CONNECTED));
        send(s, CommandName.STOP);
        assertThat(server.transitions()).containsExactly(CONNECTED, DISCONNECTED, TIMEOUT);
    }

    @Test
    void eachOfSeveralClientsIsTrackedOnItsOwn() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c1 = client(s.localPort(), 0, 100, client);
        client(s.localPort(), 0, 100, new EventRecorder());
        within(2000).until(() -> server.count(CONNECTED) == 2);
        send(c1, CommandName.STOP);
        within(2000).until(() -> server.count(DISCONNECTED) == 1);
        assertThat(server.transitions()).containsExactly(CONNECTED, CONNECTED, TIMEOUT, DISCONNECTED);
    }
}

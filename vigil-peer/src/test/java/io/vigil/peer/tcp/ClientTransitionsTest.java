package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.HEARTBEAT;
import static io.vigil.peer.EventName.RECONNECT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.AdapterState;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import org.junit.jupiter.api.Test;

/** Every row of the client transition table, over real loopback sockets, asserting the client's exact events. */
class ClientTransitionsTest extends TcpTestBase {

    private final EventRecorder server = new EventRecorder();
    private final EventRecorder client = new EventRecorder();

    @Test
    void clientThatConnectsEmitsConnected() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 0, 100, client);
        within(2000).until(() -> !client.transitions().isEmpty());
        assertThat(client.transitions()).containsExactly(CONNECTED);
        assertThat(client.events().getFirst().endpointId()).isEqualTo("srv");
        assertThat(client.events().getFirst().port()).isEqualTo(s.localPort());
    }

    @Test
    void eachHeartbeatIntervalEmitsHeartbeat() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 0, 100, client);
        within(3000).until(() -> client.count(HEARTBEAT) >= 5);
        assertThat(client.names().subList(1, client.names().size())).containsOnly(HEARTBEAT);
    }

    @Test
    void stopOnTheClientEmitsDisconnectedThenTimeout() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c = client(s.localPort(), 0, 100, client);
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(c, CommandName.STOP);
        assertThat(client.transitions()).containsExactly(CONNECTED, DISCONNECTED, TIMEOUT);
    }

    @Test
    void serverThatHangsEmitsTimeout() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 10, 200, client); // recovery window 2 s
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(s, CommandName.SUSPEND); // stops answering and reading
        within(2000).until(() -> client.transitions().size() == 2);
        assertThat(client.transitions()).containsExactly(CONNECTED, TIMEOUT);
    }

    @Test
    void serverThatRecoversBeforeTheAttemptsRunOutEmitsReconnect() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 10, 200, client);
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(s, CommandName.SUSPEND);
        within(2000).until(() -> client.transitions().size() == 2);
        send(s, CommandName.RESUME);
        within(2000).until(() -> client.transitions().size() == 3);
        assertThat(client.transitions()).containsExactly(CONNECTED, TIMEOUT, RECONNECT);
        within(2000).until(() -> client.names().getLast() == HEARTBEAT);
    }

    @Test
    void serverThatStaysHungPastTheAttemptsEmitsDisconnected() {
        PeerHeartbeat s = server(server);
        PeerHeartbeat c = client(s.localPort(), 2, 100, client); // window 200 ms
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(s, CommandName.SUSPEND);
        within(2000).until(() -> client.transitions().size() == 3);
        assertThat(client.transitions()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        within(500).until(() -> c.state() == AdapterState.DISCONNECTED);
    }

    @Test
    void serverThatStopsEmitsTimeoutThenDisconnectedOnceTheAttemptsRunOut() {
        PeerHeartbeat s = server(server);
        client(s.localPort(), 3, 100, client); // window 300 ms
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(s, CommandName.STOP);
        within(2000).until(() -> client.transitions().size() >= 2);
        // DISCONNECTED may already follow on a slow machine (the 300 ms window runs on): the order is the claim
        assertThat(client.transitions()).startsWith(CONNECTED, TIMEOUT);
        within(2000).until(() -> client.transitions().size() == 3);
        assertThat(client.transitions()).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
        assertThat(client.errors()).as("each refused attempt is reported").isNotEmpty();
    }

    @Test
    void serverThatRestartsWithinTheAttemptsEmitsReconnect() {
        PeerHeartbeat s = server(server);
        int port = s.localPort();
        client(port, 20, 100, client); // window 2 s
        within(2000).until(() -> client.transitions().contains(CONNECTED));
        send(s, CommandName.STOP);
        within(2000).until(() -> client.transitions().size() == 2);
        s.command(Command.of(CommandName.START_SERVER).withServerPort(port)).join();
        within(2000).until(() -> client.transitions().size() == 3);
        assertThat(client.transitions()).containsExactly(CONNECTED, TIMEOUT, RECONNECT);
    }
}

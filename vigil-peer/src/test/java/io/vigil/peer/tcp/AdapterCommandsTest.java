package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.peer.AdapterState;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerType;
import java.net.ServerSocket;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Command rules, the error channel and shared-secret authentication of the adapter. */
class AdapterCommandsTest extends TcpTestBase {

    private final EventRecorder recorder = new EventRecorder();

    private static ErrorKind lastKind(EventRecorder r) {
        return r.errors().getLast().kind();
    }

    @Test
    void startWithoutAPortIsRejectedWithAClearError() {
        PeerHeartbeat hb = adapter(props().build(), recorder);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.START)).join())
                .isInstanceOf(CompletionException.class).hasMessageContaining("port is not set");
        assertThat(lastKind(recorder)).isEqualTo(ErrorKind.BAD_COMMAND);
        assertThat(hb.state()).isEqualTo(AdapterState.STOPPED);
    }

    @Test
    void aCommandsOverridesWinOverTheProperties() {
        PeerHeartbeat s = server(new EventRecorder());
        PeerHeartbeat c = adapter(props().build(), recorder); // no port in the properties
        c.command(Command.of(CommandName.START_CLIENT).withServerPort(s.localPort()).withHeartbeatInterval(20)).join();
        within(2000).until(() -> recorder.transitions().contains(CONNECTED));
        assertThat(c.runningType()).isEqualTo(PeerType.CLIENT);
    }

    @Test
    void changingTypeWithoutStopIsRejectedAndStopThenStartWorks() {
        PeerHeartbeat hb = server(recorder);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.START_CLIENT).withServerPort(1)).join())
                .hasMessageContaining("send stop first");
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.START_SERVER)).join())
                .hasMessageContaining("already running as SERVER");
        assertThat(lastKind(recorder)).isEqualTo(ErrorKind.COMMAND_REJECTED);
        send(hb, CommandName.STOP);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.STOP)).join()).hasMessageContaining("nothing");
        send(hb, CommandName.START_SERVER);
        assertThat(hb.state()).isEqualTo(AdapterState.RUNNING);
    }

    @Test
    void disconnectedClientNeedsStopBeforeStartingAgain() {
        PeerHeartbeat s = server(new EventRecorder());
        PeerHeartbeat c = client(s.localPort(), 0, 100, recorder);
        within(2000).until(() -> recorder.transitions().contains(CONNECTED));
        send(s, CommandName.STOP);
        within(2000).until(() -> c.state() == AdapterState.DISCONNECTED);
        assertThatThrownBy(() -> c.command(Command.of(CommandName.START_CLIENT)).join())
                .hasMessageContaining("disconnected; send stop");
        assertThatThrownBy(() -> c.command(Command.of(CommandName.SUSPEND)).join())
                .isInstanceOf(CompletionException.class);
        send(c, CommandName.STOP);
        assertThat(c.state()).isEqualTo(AdapterState.STOPPED);
    }

    @Test
    void suspendAndResumeAreOnlyAcceptedInTheirStates() {
        PeerHeartbeat hb = server(recorder);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.RESUME)).join()).hasMessageContaining("suspended");
        send(hb, CommandName.SUSPEND);
        assertThat(hb.state()).isEqualTo(AdapterState.SUSPENDED);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.SUSPEND)).join()).isNotNull();
        send(hb, CommandName.RESUME);
        assertThat(hb.state()).isEqualTo(AdapterState.RUNNING);
    }

    @Test
    void startWithApplicationNoLeavesTheAdapterLoadedUntilResumeStartsIt() {
        PeerHeartbeat hb = adapter(props().type(PeerType.SERVER).port(0).startWithApplication(false).build(), recorder);
        hb.startWithApplication().join();
        assertThat(hb.state()).isEqualTo(AdapterState.LOADED);
        assertThat(hb.localPort()).isEqualTo(-1);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.STOP)).join()).hasMessageContaining("nothing is running");
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.SUSPEND)).join()).isInstanceOf(CompletionException.class);
        send(hb, CommandName.RESUME);
        assertThat(hb.state()).isEqualTo(AdapterState.RUNNING);
        assertThat(hb.runningType()).isEqualTo(PeerType.SERVER);
        assertThat(hb.localPort()).isPositive();
        send(hb, CommandName.STOP);
        assertThat(hb.state()).isEqualTo(AdapterState.STOPPED);
        assertThatThrownBy(() -> hb.command(Command.of(CommandName.RESUME)).join()).hasMessageContaining("suspended");
    }

    @Test
    void startWithApplicationByDefaultStartsTheConfiguredType() {
        PeerHeartbeat hb = adapter(props().type(PeerType.SERVER).port(0).build(), recorder);
        hb.startWithApplication().join();
        assertThat(hb.state()).isEqualTo(AdapterState.RUNNING);
    }

    @Test
    void setLeadershipIsCarriedInTcpFramesAndReportedByThePeersEvents() {
        EventRecorder serverSide = new EventRecorder();
        PeerHeartbeat s = server(serverSide);
        PeerHeartbeat c = adapter(props().port(s.localPort()).endpointId("cli").build(), recorder);
        c.command(Command.setLeadership(LeadershipStatus.LEADER)).join(); // before the start: applied at start
        send(c, CommandName.START_CLIENT);
        within(10_000).until(() -> serverSide.events().stream()
                .anyMatch(e -> e.eventName() == io.vigil.peer.EventName.HEARTBEAT && e.leadershipStatus() == LeadershipStatus.LEADER));
        assertThat(c.leadership()).isEqualTo(LeadershipStatus.LEADER);

        s.command(Command.fromJson("{\"command\":\"setLeadership\",\"leadershipStatus\":\"NON_LEADER\"}")).join();
        within(10_000).until(() -> recorder.events().stream()
                .anyMatch(e -> e.eventName() == io.vigil.peer.EventName.HEARTBEAT && e.leadershipStatus() == LeadershipStatus.NON_LEADER));
        c.command(Command.setLeadership(LeadershipStatus.NON_LEADER)).join();
        within(10_000).until(() -> serverSide.events().getLast().leadershipStatus() == LeadershipStatus.NON_LEADER);
    }

    @Test
    void setLeadershipNeedsAStatusAndIsRefusedByMulticast() {
        assertThatThrownBy(() -> Command.fromJson("{\"command\":\"setLeadership\"}")).hasMessageContaining("leadershipStatus");
        assertThatThrownBy(() -> Command.fromJson("{\"command\":\"setLeadership\",\"leadershipStatus\":\"KING\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        PeerHeartbeat m = adapter(props().type(PeerType.MULTICAST).port(4999).endpointId("m").build(), recorder);
        assertThatThrownBy(() -> m.command(Command.setLeadership(LeadershipStatus.LEADER)).join()).hasMessageContaining("elect");
    }

    @Test
    void portInUseIsABindFailureOnTheErrorChannel() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            PeerHeartbeat hb = adapter(props().port(taken.getLocalPort()).build(), recorder);
            assertThatThrownBy(() -> hb.command(Command.of(CommandName.START_SERVER)).join())
                    .hasMessageContaining("cannot listen");
            assertThat(lastKind(recorder)).isEqualTo(ErrorKind.BIND_FAILED);
            assertThat(hb.state()).isEqualTo(AdapterState.STOPPED);
        }
    }

    @Test
    void unreachableServerIsReportedAndTheClientEndsDisconnected() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        PeerHeartbeat c = client(closedPort, 1, 50, recorder);
        within(2000).until(() -> c.state() == AdapterState.DISCONNECTED);
        assertThat(recorder.errors()).extracting(PeerError::kind).containsOnly(ErrorKind.CONNECT_FAILED);
        assertThat(recorder.errors().getLast().message()).contains("gave up");
        assertThat(recorder.events()).isEmpty();
    }

    @Test
    void matchingSharedSecretsConnect() {
        PeerHeartbeat s = adapter(props().port(0).sharedSecret("k1").build(), new EventRecorder());
        send(s, CommandName.START_SERVER);
        PeerHeartbeat c = adapter(props().port(s.localPort()).sharedSecret("k1").build(), recorder);
        send(c, CommandName.START_CLIENT);
        within(2000).until(() -> recorder.transitions().contains(CONNECTED));
        assertThat(recorder.errors()).isEmpty();
    }

    @Test
    void clientWithAnotherSecretIsRefusedAndNeverCountedAsConnected() {
        EventRecorder serverEvents = new EventRecorder();
        PeerHeartbeat s = adapter(props().port(0).sharedSecret("right").build(), serverEvents);
        send(s, CommandName.START_SERVER);
        PeerHeartbeat c = adapter(props().port(s.localPort()).sharedSecret("wrong").build(), recorder);
        send(c, CommandName.START_CLIENT);
        within(2000).until(() -> !serverEvents.errors().isEmpty());
        assertThat(lastKind(serverEvents)).isEqualTo(ErrorKind.AUTH_FAILED);
        assertThat(serverEvents.events()).isEmpty();
        within(2000).until(() -> c.state() == AdapterState.DISCONNECTED);
        assertThat(recorder.events()).isEmpty();
    }

    @Test
    void aThrowingListenerDoesNotStopOthers() {
        PeerHeartbeat s = server(recorder);
        s.subscribe(e -> {
            throw new IllegalStateException("boom");
        });
        client(s.localPort(), 0, 100, new EventRecorder());
        within(2000).until(() -> recorder.count(io.vigil.peer.EventName.HEARTBEAT) >= 2);
    }

    @Test
    void commandJsonParsesOverridesAndRejectsUnknownCommandsClearly() {
        Command c = Command.fromJson("{\"command\":\"startClient\",\"serverPort\":7001,\"heartbeatInterval\":250}");
        assertThat(c).isEqualTo(Command.of(CommandName.START_CLIENT).withServerPort(7001).withHeartbeatInterval(250));
        assertThatThrownBy(() -> Command.fromJson("{\"command\":\"launch\"}"))
                .hasMessageContaining("unknown command 'launch'");
        assertThatThrownBy(() -> Command.fromJson("{\"command\":\"stop\",\"bogus\":1}"))
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> Command.fromJson("not json")).hasMessageContaining("expected e.g.");
    }
}

package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.FrameType;
import io.vigil.peer.wire.Nonces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a server does against clients that hold connections without using them (issue 19, item 14): a cap on open
 * connections, and a reaper that closes a handshaken session that stays silent past its timeout, with or without a
 * shared secret; and the listen backlog a fleet reconnecting at once queues in (issue 12).
 */
class ServerLimitsTest extends TcpTestBase {

    private final EventRecorder server = new EventRecorder();

    /** True when the server closed {@code s} (end of stream) within {@code millis}; false when it stayed open. */
    private static boolean closedByServer(Socket s, int millis) throws IOException {
        s.setSoTimeout(millis);
        long deadline = System.nanoTime() + millis * 1_000_000L;
        try {
            while (System.nanoTime() < deadline) { // what the server sends meanwhile (its heartbeats) is skipped
                if (s.getInputStream().read() < 0) {
                    return true;
                }
            }
            return false;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the server
        }
    }

    @Test
    void theListenBacklogIsAsLargeAsTheKernelAllowsAndNeverBelow4096() {
        assertThat(TcpServerShard.acceptBacklog(128)).isEqualTo(4096); // somaxconn unreadable: Netty's fallback
        assertThat(TcpServerShard.acceptBacklog(4096)).isEqualTo(4096); // Linux's default since 5.4
        assertThat(TcpServerShard.acceptBacklog(16384)).isEqualTo(16384); // raised for a large fleet
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnceAndReportedOnce() throws Exception {
        PeerHeartbeat s = adapter(props().port(0).endpointId("srv").serverEventLoops(2).serverMaxConnections(3).build(),
                server);
        s.command(Command.of(CommandName.START_SERVER)).join();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(new Socket("127.0.0.1", s.localPort()));
            }
            int closed = 0;
            List<Socket> open = new ArrayList<>();
            for (Socket socket : sockets) {
                if (closedByServer(socket, 1000)) {
                    closed++;
                } else {
                    open.add(socket);
                }
            }
            assertThat(closed).as("connections over the cap of 3").isEqualTo(2);
            within(5000).untilAsserted(() -> assertThat(server.errors()).filteredOn(e -> e.kind() == ErrorKind.IO_ERROR).singleElement().satisfies(e -> assertThat(e.message())
                    .contains("refused", "serverMaxConnections", "3 connections are open")));

            open.getFirst().close(); // a slot frees up: the next connection is kept
            within(5000).until(() -> {
                try (Socket again = new Socket("127.0.0.1", s.localPort())) {
                    return !closedByServer(again, 500);
                }
            });
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void aHandshakenClientThatGoesSilentIsTimedOutAndThenItsConnectionClosedWithoutASecret() throws Exception {
        PeerHeartbeat s = server(server);
        FrameCodec codec = new FrameCodec(null);
        String nonce = new Nonces().get();
        try (Socket socket = new Socket("127.0.0.1", s.localPort())) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out.write(line(codec, new Frame(FrameType.HELLO, "silent", 1, System.currentTimeMillis(), nonce, null, null)));
            out.flush();
            socket.setSoTimeout(5000);
            byte[] answer = in.readLine().getBytes(StandardCharsets.UTF_8);
            Frame hello = codec.decode(answer, answer.length);
            out.write(line(codec, new Frame(FrameType.HEARTBEAT, "silent", 2, System.currentTimeMillis(), nonce,
                    hello.nonce(), null)));
            out.flush();
            within(5000).until(() -> server.count(CONNECTED) == 1);
            // now silent for good: a timeout after interval + timeout (300 ms), the close after as long again
            assertThat(closedByServer(socket, 10_000)).as("the server closed the silent connection").isTrue();
            assertThat(server.transitionsOf("silent")).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);
            assertThat(server.errors()).isEmpty();
        }
    }

    private static byte[] line(FrameCodec codec, Frame f) {
        byte[] body = codec.encode(f);
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        return line;
    }
}

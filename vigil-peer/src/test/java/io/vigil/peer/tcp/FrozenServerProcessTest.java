package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.RECONNECT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.CommandName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server process frozen with SIGSTOP and thawed with SIGCONT, watched by an in-process client. */
class FrozenServerProcessTest extends TcpTestBase {

    // Wider than the other tests: a cold child JVM on a busy machine can stall for a couple of hundred ms.
    private static final long HB_INTERVAL = 100;
    private static final long HB_TIMEOUT = 400;
    private Process server;

    @AfterEach
    void killServer() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private static void signal(Process p, String sig) throws Exception {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    @Test
    void frozenServerTimesOutWithinTheLimitAndThawedServerReconnects() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                ServerProcessMain.class.getName(), Integer.toString(port), Long.toString(HB_INTERVAL),
                Long.toString(HB_TIMEOUT)).redirectErrorStream(true).start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(server.getInputStream()));
        assertThat(stdout.readLine()).isEqualTo("ready");

        EventRecorder client = new EventRecorder();
        PeerHeartbeat c = adapter(props().port(port).heartbeatIntervalMillis(HB_INTERVAL).heartbeatTimeoutMillis(HB_TIMEOUT)
                .reconnectAttempts(50).reconnectSleepMillis(100).build(), client); // recovery window 5 s
        send(c, CommandName.START_CLIENT);
        try {
            within(3000).until(() -> client.transitions().contains(CONNECTED));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("client saw " + client + ", server said " + (stdout.ready() ? stdout.readLine() : ""), e);
        }
        within(3000).until(() -> client.count(io.vigil.peer.EventName.HEARTBEAT) >= 3);
        client.clear(); // from here on, only what the freeze causes

        signal(server, "STOP");
        long frozenAt = System.currentTimeMillis();
        try {
            within(3000).until(() -> client.transitions().size() == 1);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("client saw " + client.transitions() + client.errors(), e);
        }
        PeerEvent timeout = client.events().stream().filter(e -> e.eventName() == TIMEOUT).findFirst().orElseThrow();
        assertThat(timeout.receivedTimestamp() - frozenAt)
                .as("detection delay after the freeze")
                .isLessThanOrEqualTo(HB_INTERVAL + HB_TIMEOUT + 100);

        signal(server, "CONT");
        within(3000).until(() -> client.transitions().size() == 2);
        assertThat(client.transitions()).containsExactly(TIMEOUT, RECONNECT);
    }
}

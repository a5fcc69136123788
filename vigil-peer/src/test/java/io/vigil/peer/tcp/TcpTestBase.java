package io.vigil.peer.tcp;

import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** Real adapters over loopback sockets: interval 50 ms, timeout 250 ms (a peer times out after 300 ms of silence; wide enough for a busy shared machine). */
abstract class TcpTestBase {

    static final long INTERVAL_MS = 50;
    static final long TIMEOUT_MS = 250;
    static Vertx vertx;
    final List<PeerHeartbeat> adapters = new ArrayList<>();

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @AfterEach
    void closeAdapters() {
        adapters.forEach(PeerHeartbeat::close);
    }

    PeerProperties.Builder props() {
        return PeerProperties.builder().hostname("127.0.0.1").heartbeatIntervalMillis(INTERVAL_MS)
                .heartbeatTimeoutMillis(TIMEOUT_MS);
    }

    PeerHeartbeat adapter(PeerProperties properties, EventRecorder recorder) {
        PeerHeartbeat hb = PeerHeartbeat.create(vertx, properties, Clock.systemUTC());
        hb.subscribe(recorder);
        adapters.add(hb);
        return hb;
    }

    /** A started server on a free port. */
    PeerHeartbeat server(EventRecorder recorder) {
        PeerHeartbeat s = adapter(props().port(0).endpointId("srv").build(), recorder);
        s.command(Command.of(CommandName.START_SERVER)).join();
        return s;
    }

    PeerHeartbeat client(int serverPort, int attempts, long sleep, EventRecorder recorder) {
        PeerHeartbeat c = adapter(props().port(serverPort).endpointId("cli").reconnectAttempts(attempts)
                .reconnectSleepMillis(sleep).build(), recorder);
        c.command(Command.of(CommandName.START_CLIENT)).join();
        return c;
    }

    static void send(PeerHeartbeat hb, CommandName name) {
        hb.command(Command.of(name)).join();
    }

    static org.awaitility.core.ConditionFactory within(long millis) {
        // an upper bound for something that must happen, not a claim about speed: generous for a loaded machine
        return await().atMost(Duration.ofMillis(Math.max(10_000, 5 * millis))).pollInterval(Duration.ofMillis(5));
    }
}

package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.HEARTBEAT;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerListener;
import io.vigil.peer.PeerProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 over real sockets: a server that is itself behind declares none of its clients dead while their
 * heartbeats wait unread in its sockets; once it catches up they are all still CONNECTED. Here its event loops are
 * slowed by a listener that takes 20 ms per heartbeat, twice what the clients' heartbeats leave them, for 3 s: every
 * loop turn grows longer than the last until turns outlast the whole limit, as on a starved core or in a GC storm.
 * The other way a loop falls behind — more ready sockets than one select returns (a 5,000-client reconnect burst) —
 * is the read watermark's case, tested on a manual clock in {@code ReadWatermarkTest} and {@code ServerProtocolTest}
 * and measured by {@code vigil-bench/run-peer-burst.sh} (docs/benchmarks-peer.md § 3).
 */
class ServerBehindTest extends TcpTestBase {

    private static final int CLIENTS = 20;
    private static final int LOOPS = 2;
    // wider than the other tests' limits: only a stalled server may make a client look silent here, never a slow
    // client on a loaded machine (a client loop would have to stall for 1.1 s)
    private static final long SERVER_INTERVAL_MS = 100;
    private static final long SERVER_TIMEOUT_MS = 1_000;
    private static final long SLOW_WINDOW_MS = 3_000; // the loops end up ~3 s behind: well past interval + timeout
    private static final long SLOW_PER_HEARTBEAT_MS = 20; // 10 clients a loop at 100 ms: 2 s of work per second
    private final Vertx clientSide = Vertx.vertx(); // the clients keep beating while the server's loops are held

    @AfterEach
    void closeClientSide() {
        adapters.forEach(PeerHeartbeat::close);
        adapters.clear();
        clientSide.close();
    }

    @Test
    void aServerWhoseLoopsAreHeldBusyForSeveralTimeoutsTimesOutNoneOfItsBeatingClients() {
        EventRecorder server = new EventRecorder();
        AtomicBoolean slow = new AtomicBoolean();
        Set<String> slowedLoops = ConcurrentHashMap.newKeySet();
        PeerHeartbeat s = adapter(props().port(0).endpointId("srv").serverEventLoops(LOOPS)
                .heartbeatIntervalMillis(SERVER_INTERVAL_MS).heartbeatTimeoutMillis(SERVER_TIMEOUT_MS).build(), server);
        s.subscribe(new PeerListener() {
            @Override
            public void onEvent(PeerEvent event) {
                // listeners run on the loop that read the heartbeat: each one reported while slow costs that loop 20 ms
                if (slow.get() && event.eventName() == HEARTBEAT) {
                    slowedLoops.add(Thread.currentThread().getName());
                    LockSupport.parkNanos(SLOW_PER_HEARTBEAT_MS * 1_000_000);
                }
            }
        });
        send(s, CommandName.START_SERVER);
        for (int i = 0; i < CLIENTS; i++) {
            PeerProperties p = props().port(s.localPort()).endpointId("cli-" + i).heartbeatIntervalMillis(SERVER_INTERVAL_MS)
                    .heartbeatTimeoutMillis(60_000).build(); // the clients do not give up on the held server
            PeerHeartbeat c = PeerHeartbeat.create(clientSide, p, Clock.systemUTC());
            adapters.add(c);
            c.command(Command.of(CommandName.START_CLIENT)).join();
        }
        within(5_000).until(() -> server.count(CONNECTED) == CLIENTS);
        within(5_000).until(() -> server.count(HEARTBEAT) >= 5L * CLIENTS);

        slow.set(true);
        LockSupport.parkNanos(SLOW_WINDOW_MS * 1_000_000);
        slow.set(false);
        // caught up: what waited is read (the clients send 10 a second each: 20 s of backlog at most is read in
        // well under the wait), then every client heard again, and a full limit has passed since
        long sent = server.count(HEARTBEAT);
        within(5_000).until(() -> server.count(HEARTBEAT) >= sent + 10L * CLIENTS);
        LockSupport.parkNanos((SERVER_INTERVAL_MS + SERVER_TIMEOUT_MS) * 2 * 1_000_000);

        assertThat(slowedLoops).as("server loops slowed").hasSize(LOOPS);
        assertThat(server.count(TIMEOUT)).as("clients the held server declared silent; events: " + server).isZero();
        for (int i = 0; i < CLIENTS; i++) {
            assertThat(server.transitionsOf("cli-" + i)).as("cli-" + i).containsExactly(CONNECTED);
        }
        assertThat(server.errors()).isEmpty();
    }
}

package io.vigil.peer.tcp;

import static io.vigil.peer.EventName.CONNECTED;
import static io.vigil.peer.EventName.DISCONNECTED;
import static io.vigil.peer.EventName.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A server spread over several event loops: connections land on different loops, yet every client's events come in
 * protocol order, listener calls never overlap, and suspend, resume and stop reach every loop before they complete.
 */
class ShardedServerTest extends TcpTestBase {

    private static final int CLIENTS = 8;

    private final EventRecorder server = new EventRecorder();
    private final Set<String> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger overlaps = new AtomicInteger();

    private PeerHeartbeat shardedServer(int loops) {
        PeerHeartbeat s = adapter(props().port(0).endpointId("srv").serverEventLoops(loops).build(), server);
        s.subscribe(new PeerListener() {
            @Override
            public void onEvent(PeerEvent event) {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                threads.add(Thread.currentThread().getName());
                inside.decrementAndGet();
            }
        });
        s.command(Command.of(CommandName.START_SERVER)).join();
        return s;
    }

    private List<PeerHeartbeat> clients(int port) {
        List<PeerHeartbeat> list = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            PeerHeartbeat c = adapter(props().port(port).endpointId("cli-" + i).build(), new EventRecorder());
            c.command(Command.of(CommandName.START_CLIENT)).join();
            list.add(c);
        }
        return list;
    }

    @Test
    void clientsAreServedOnSeveralLoopsWithEventsInOrderAndNeverConcurrently() {
        PeerHeartbeat s = shardedServer(3);
        List<PeerHeartbeat> clients = clients(s.localPort());
        within(5000).until(() -> server.count(CONNECTED) == CLIENTS);
        within(5000).until(() -> server.count(EventName.HEARTBEAT) >= 5L * CLIENTS);

        assertThat(threads).as("event-loop threads that delivered events").hasSizeGreaterThan(1);
        send(clients.getFirst(), CommandName.STOP);
        within(2000).until(() -> server.count(DISCONNECTED) == 1);
        assertThat(server.transitionsOf("cli-0")).containsExactly(CONNECTED, TIMEOUT, DISCONNECTED);

        send(s, CommandName.STOP); // completes only after every loop has emitted its stop events
        for (int i = 1; i < CLIENTS; i++) {
            assertThat(server.transitionsOf("cli-" + i)).as("cli-" + i)
                    .containsExactly(CONNECTED, DISCONNECTED, TIMEOUT);
        }
        assertThat(overlaps).hasValue(0);
        assertThat(server.errors()).isEmpty();
    }

    @Test
    void suspendAndResumeReachEveryLoop() {
        PeerHeartbeat s = shardedServer(3);
        List<EventRecorder> seen = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            EventRecorder r = new EventRecorder();
            seen.add(r);
            adapter(props().port(s.localPort()).endpointId("cli-" + i).reconnectAttempts(50).reconnectSleepMillis(100)
                    .build(), r).command(Command.of(CommandName.START_CLIENT)).join();
        }
        within(5000).until(() -> server.count(CONNECTED) == CLIENTS);

        send(s, CommandName.SUSPEND);
        long heartbeats = server.count(EventName.HEARTBEAT);
        // Every loop stopped answering: each client, whatever loop serves it, sees the server hang.
        within(3000).until(() -> seen.stream().allMatch(r -> r.count(TIMEOUT) == 1));
        assertThat(server.count(EventName.HEARTBEAT)).as("heartbeats reported while suspended").isEqualTo(heartbeats);

        send(s, CommandName.RESUME);
        within(3000).until(() -> seen.stream().allMatch(r -> r.count(EventName.RECONNECT) == 1));
        within(2000).until(() -> server.count(EventName.HEARTBEAT) > heartbeats);
        assertThat(overlaps).hasValue(0);
    }
}

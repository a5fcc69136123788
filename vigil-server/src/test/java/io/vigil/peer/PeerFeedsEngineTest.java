package io.vigil.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineRunner;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.peer.feed.PeerLivenessForwarder;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The thin coupling of the peer protocol to the engine: a peer server's events become heartbeats of source
 * {@code <endpointId>} (eventName {@code peer}), so a hung peer raises the same ONSET and ABATED as any source.
 */
class PeerFeedsEngineTest {

    @Test
    void hungPeerClientRaisesOnsetAndItsRecoveryAnAbated() throws Exception {
        List<ChangeEvent> events = new CopyOnWriteArrayList<>();
        Engine engine = new Engine(Clock.systemUTC(), events::add, -1);
        engine.configure(List.of(new Monitor("peer", Duration.ofMillis(100), 3, TimeBase.ARRIVAL, ClosedLoop.NONE)));
        try (EngineRunner runner = new EngineRunner(engine).start();
             PeerHeartbeat server = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.SERVER).port(0)
                     .heartbeatIntervalMillis(50).heartbeatTimeoutMillis(100).build())) {
            server.subscribe(new PeerLivenessForwarder(
                    (source, at) -> engine.accept(new Heartbeat("peer", source, at), Channel.PEER)));
            server.command(Command.of(CommandName.START)).get();
            try (PeerHeartbeat client = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.CLIENT)
                    .hostname("127.0.0.1").port(server.localPort()).endpointId("db-1")
                    // the server reaps a session silent for interval + timeout after it was lost: the peer that
                    // comes back reconnects (before the reaper it could go on on its old connection)
                    .reconnectAttempts(100).reconnectSleepMillis(100)
                    .heartbeatIntervalMillis(50).heartbeatTimeoutMillis(100).build())) {
                client.command(Command.of(CommandName.START)).get();
                await().atMost(Duration.ofSeconds(15)).until(() -> kinds(events).contains("db-1:ALIVE"));

                client.command(Command.of(CommandName.SUSPEND)).get(); // the peer hangs
                await().atMost(Duration.ofSeconds(15)).until(() -> kinds(events).contains("db-1:ONSET"));

                client.command(Command.of(CommandName.RESUME)).get();
                await().atMost(Duration.ofSeconds(15)).until(() -> kinds(events).contains("db-1:ABATED"));
                assertThat(kinds(events)).containsExactly("db-1:ALIVE", "db-1:ONSET", "db-1:ABATED");
            }
        }
    }

    private static List<String> kinds(List<ChangeEvent> events) {
        return events.stream().map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }
}

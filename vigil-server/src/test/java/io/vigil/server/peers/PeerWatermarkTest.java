package io.vigil.server.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vigil.config.ConfigLoader;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineRunner;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermarks;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's peer watermark: a peer server that is behind (here: suspended, so it reads nothing while its clients go on
 * sending) holds the engine's verdicts on its peers instead of declaring them dead; a peer that really hangs while the
 * server reads still gets its ONSET.
 */
class PeerWatermarkTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<ChangeEvent> events = new CopyOnWriteArrayList<>();
    private final Clock clock = Clock.systemUTC();
    private final Engine engine = new Engine(clock, events::add, -1, new Watermarks(clock));
    private final EngineRunner runner = new EngineRunner(engine).start();
    private PeerEndpoints endpoints;
    private PeerHeartbeat client;

    @AfterEach
    void close() {
        if (client != null) client.close();
        if (endpoints != null) endpoints.close();
        runner.close();
        vertx.close();
    }

    private void start() throws Exception {
        var config = ConfigLoader.parse("""
                peers: [{name: s, type: server, hostname: 127.0.0.1, port: 0, heartbeatInterval: 100ms, heartbeatTimeout: 200ms,
                         serverEventLoops: 1}]
                """, "test");
        engine.configure(config.monitors()); // s: 100ms x 3
        HeartbeatReceiver receiver = new HeartbeatReceiver() {
            @Override
            public Acceptance accept(Heartbeat heartbeat, Channel channel) {
                return engine.accept(heartbeat, channel);
            }

            @Override
            public CompletionStage<Void> durable() {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public Watermarks watermarks() {
                return engine.watermarks();
            }
        };
        endpoints = PeerEndpoints.start(vertx, clock, config.peers(), receiver, e -> { }, () -> true, new SimpleMeterRegistry());
        int port = endpoints.view().endpoints().get(0).localPort();
        // the client's own timeout is long: it keeps sending to a server that does not answer
        client = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.CLIENT).hostname("127.0.0.1").port(port)
                .endpointId("c-1").heartbeatIntervalMillis(100).heartbeatTimeoutMillis(10_000).build());
        client.command(Command.of(CommandName.START)).get();
        await().atMost(Duration.ofSeconds(15)).until(() -> kinds().contains("c-1:ALIVE"));
    }

    @Test
    void aServerThatReadsNothingForOneAndAHalfSecondsDeclaresNoClientDead() throws Exception {
        start();
        endpoints.command("s", Command.of(CommandName.SUSPEND)).get(); // stops reading: heartbeats wait in the socket
        assertThat(engine.watermarks().parts()).extracting(w -> w.name()).contains("peer:s");
        Thread.sleep(1500); // five thresholds
        assertThat(engine.blindHeld(Channel.PEER)).as("the client's deadline waits for the server's watermark").isEqualTo(1);
        endpoints.command("s", Command.of(CommandName.RESUME)).get();
        Thread.sleep(1000); // the held deadline is judged on what the server then reads
        assertThat(kinds()).containsExactly("c-1:ALIVE");
    }

    @Test
    void aClientThatHangsWhileTheServerReadsGetsItsOnset() throws Exception {
        start();
        client.command(Command.of(CommandName.SUSPEND)).get();
        await().atMost(Duration.ofSeconds(15)).until(() -> kinds().contains("c-1:ONSET"));
        client.command(Command.of(CommandName.RESUME)).get();
        await().atMost(Duration.ofSeconds(15)).until(() -> kinds().contains("c-1:ABATED"));
    }

    private List<String> kinds() {
        return events.stream().map(e -> e.source().sourceName() + ":" + e.kind()).toList();
    }
}

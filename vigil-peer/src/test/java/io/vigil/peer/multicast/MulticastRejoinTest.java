package io.vigil.peer.multicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.EventRecorder;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A multicast member on {@code lo} whose group joins fail on purpose (an injected joiner, no real interface is
 * touched): it retries reconnectAttempts times, reconnectSleep apart. Interval 50 ms, timeout 250 ms, sleep 100 ms.
 */
class MulticastRejoinTest {

    private static final String GROUP = "239.255.77.2";
    private final int port = 20000 + ThreadLocalRandom.current().nextInt(20000);
    private Vertx vertx;
    private Context context;
    private MulticastEndpoint endpoint;
    private PeerHeartbeat other;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        if (other != null) {
            other.close();
        }
        if (endpoint != null) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            context.runOnContext(v -> endpoint.stop(System.currentTimeMillis()).onComplete(ar -> done.complete(null)));
            done.get();
        }
        vertx.close().await();
    }

    private static PeerProperties.Builder properties(String id, int attempts) {
        return PeerProperties.builder().type(PeerType.MULTICAST).hostname(GROUP).networkInterface("lo")
                .endpointId(id).heartbeatIntervalMillis(50).heartbeatTimeoutMillis(250)
                .reconnectAttempts(attempts).reconnectSleepMillis(100);
    }

    /** Starts a member whose first {@code failures} joins fail, ticking it on its own event loop. */
    private AtomicInteger startFailing(String id, int attempts, int failures, EventRecorder recorder) {
        PeerProperties props = properties(id, attempts).port(port).build();
        EndpointConfig config = props.resolve(PeerType.MULTICAST, Command.of(CommandName.START));
        AtomicInteger joins = new AtomicInteger();
        MulticastEndpoint.GroupJoiner failing = (socket, group, nif) -> joins.incrementAndGet() <= failures
                ? Future.failedFuture("simulated: interface down")
                : MulticastEndpoint.SOCKET_JOINER.join(socket, group, nif);
        endpoint = new MulticastEndpoint(vertx, config, Clock.systemUTC(), recorder, failing);
        CompletableFuture<Void> started = new CompletableFuture<>();
        context.runOnContext(v -> endpoint.start(System.currentTimeMillis()).onComplete(ar -> {
            if (ar.failed()) {
                started.completeExceptionally(ar.cause());
                return;
            }
            vertx.setPeriodic(config.timing().tickMillis(), t -> endpoint.tick(System.currentTimeMillis()));
            started.complete(null);
        }));
        started.join();
        return joins;
    }

    @Test
    void aMemberWhoseFirstJoinsFailRejoinsOnLoAndIsHeardByTheGroup() {
        other = PeerHeartbeat.create(vertx, properties("m2", 0).port(port).build(), Clock.systemUTC());
        EventRecorder seenByOther = new EventRecorder();
        other.subscribe(seenByOther);
        other.command(Command.of(CommandName.START)).join();

        EventRecorder r = new EventRecorder();
        AtomicInteger joins = startFailing("m1", 3, 2, r); // the start and the first retry fail
        await().atMost(Duration.ofSeconds(10)).until(() -> r.count(EventName.RECONNECT) == 1);
        assertThat(joins).hasValue(3);
        assertThat(r.errors()).extracting(e -> e.kind())
                .containsExactly(ErrorKind.INTERFACE_FAILED, ErrorKind.INTERFACE_FAILED);
        await().atMost(Duration.ofSeconds(10)).until(() -> seenByOther.transitionsOf("m1").contains(EventName.CONNECTED));
        await().atMost(Duration.ofSeconds(10)).until(() -> r.transitionsOf("m2").contains(EventName.CONNECTED));
        assertThat(endpoint.ended()).isFalse();
    }

    @Test
    void aMemberThatNeverJoinsGivesUpWithDisconnectedAndInterfaceFailed() {
        EventRecorder r = new EventRecorder();
        AtomicInteger joins = startFailing("m1", 2, Integer.MAX_VALUE, r);
        await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.ended());
        assertThat(joins).hasValue(3); // the start and 2 retries
        assertThat(r.transitionsOf("m1")).containsExactly(EventName.DISCONNECTED);
        assertThat(r.errors()).extracting(e -> e.kind()).containsOnly(ErrorKind.INTERFACE_FAILED).hasSize(4);
        assertThat(r.errors().getLast().message()).contains("gave up");
    }
}

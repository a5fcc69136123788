package io.vigil.server.peers;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vigil.config.PeerEndpointSettings;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.peer.Command;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.store.outbox.OutboxEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code peers[]} endpoints of a running server: one {@link PeerHeartbeat} adapter each on the server's Vert.x and
 * clock, started with the server ("Start with application", unless {@code startWithApplication: false}), stopped with
 * it. A TCP server endpoint whose port cannot be bound fails the start with the adapter's message.
 *
 * <p>Every {@value #PROVE_MILLIS} ms a timer moves each TCP server's part of the PEER channel watermark to what its
 * event loops have read (see {@link PeerEndpoint#proveHeard}).
 */
public final class PeerEndpoints implements PeersApi.Backend, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerEndpoints.class);
    static final long PROVE_MILLIS = 20;

    private final Vertx vertx;
    private final Clock clock;
    private final Map<String, PeerEndpoint> endpoints = new LinkedHashMap<>();
    private final LeadershipEvents leadership;
    private long timerId = -1;

    private PeerEndpoints(Vertx vertx, Clock clock, LeadershipEvents leadership) {
        this.vertx = vertx;
        this.clock = clock;
        this.leadership = leadership;
    }

    /**
     * Creates and starts every endpoint.
     *
     * @param writeEvent writes a leadership change to the outbox under this instance's epoch and wakes the relays
     * @param mayEmit    whether this instance emits change events now (holds the lease)
     * @throws IllegalStateException when an endpoint cannot start (port in use, unknown interface, ...)
     */
    public static PeerEndpoints start(Vertx vertx, Clock clock, List<PeerEndpointSettings> settings, HeartbeatReceiver receiver,
                                      Consumer<OutboxEntry> writeEvent, BooleanSupplier mayEmit, MeterRegistry registry) {
        PeerEndpoints p = new PeerEndpoints(vertx, clock, new LeadershipEvents(writeEvent, mayEmit, registry));
        try {
            for (PeerEndpointSettings s : settings) {
                PeerHeartbeat adapter = PeerHeartbeat.create(vertx, s.properties(), clock);
                PeerEndpoint e = new PeerEndpoint(s, adapter, receiver, p.leadership, registry);
                adapter.subscribe(e);
                p.endpoints.put(s.name(), e);
                try {
                    adapter.startWithApplication().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException | TimeoutException ex) {
                    Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
                    throw new IllegalStateException("peer endpoint " + s.name() + " (" + s.type().name().toLowerCase() + " "
                            + s.hostname() + ":" + s.port() + ") could not start: " + cause.getMessage()
                            + "; fix peers[" + s.name() + "] or free the port", cause);
                }
                log.info("peer endpoint {}: {} {}:{} {} (its peers are sources of monitor {})", s.name(),
                        s.type().name().toLowerCase(), s.hostname(), adapter.localPort() > 0 ? adapter.localPort() : s.port(),
                        adapter.state(), s.eventName());
            }
            p.timerId = vertx.setPeriodic(PROVE_MILLIS, id -> p.proveHeard());
            return p;
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            p.close();
            throw new IllegalStateException("interrupted while starting the peer endpoints", ex);
        } catch (RuntimeException ex) {
            p.close();
            throw ex;
        }
    }

    private synchronized void proveHeard() {
        for (PeerEndpoint e : endpoints.values()) e.proveHeard();
    }

    @Override
    public PeerBodies.Endpoints view() {
        return new PeerBodies.Endpoints(endpoints.values().stream().map(e -> e.view(true)).toList());
    }

    /** The summary in {@code GET /api/v1/status}: the endpoints without their peer lists. */
    public List<PeerBodies.EndpointBody> statusView() {
        return endpoints.values().stream().map(e -> e.view(false)).toList();
    }

    @Override
    public List<String> setLeadership(LeadershipStatus status, String endpoint) {
        List<PeerEndpoint> targets = new ArrayList<>();
        if (endpoint != null) {
            PeerEndpoint e = endpoints.get(endpoint);
            if (e == null) throw new IllegalArgumentException("no peer endpoint named \"" + endpoint + "\"; configured: " + endpoints.keySet());
            if (e.settings().type() == io.vigil.peer.PeerType.MULTICAST)
                throw new IllegalArgumentException("peer endpoint \"" + endpoint + "\" is a multicast member: the group elects its leader");
            targets.add(e);
        } else {
            for (PeerEndpoint e : endpoints.values()) if (e.settings().type() != io.vigil.peer.PeerType.MULTICAST) targets.add(e);
            if (targets.isEmpty())
                throw new IllegalArgumentException("no TCP peer endpoint (server or client) is configured; multicast members elect their leader");
        }
        List<String> applied = new ArrayList<>();
        for (PeerEndpoint e : targets) {
            e.adapter().command(Command.setLeadership(status)).join();
            e.setLeadership(status, clock.millis());
            applied.add(e.settings().name());
        }
        return applied;
    }

    @Override
    public CompletableFuture<Void> command(String endpoint, Command command) {
        PeerEndpoint e = endpoints.get(endpoint);
        if (e == null) throw new IllegalArgumentException("no peer endpoint named \"" + endpoint + "\"; configured: " + endpoints.keySet());
        CompletableFuture<Void> applied = e.adapter().command(command);
        if (command.command() == io.vigil.peer.CommandName.SET_LEADERSHIP) {
            return applied.thenRun(() -> e.setLeadership(command.leadershipStatus(), clock.millis()));
        }
        return applied;
    }

    @Override
    public synchronized void close() {
        if (timerId >= 0) vertx.cancelTimer(timerId);
        timerId = -1;
        for (PeerEndpoint e : endpoints.values()) {
            e.closeWatermark();
            try {
                e.adapter().close();
            } catch (RuntimeException ex) {
                log.warn("closing peer endpoint {} failed: {}", e.settings().name(), ex.toString());
            }
        }
        endpoints.clear();
        leadership.close();
    }
}

package io.vigil.server.peers;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.config.PeerEndpointSettings;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import io.vigil.peer.AdapterState;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerListener;
import io.vigil.peer.PeerType;
import io.vigil.peer.feed.PeerLivenessForwarder;
import io.vigil.ves.Heartbeat;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code peers[]} entry at run time: its adapter, what it knows of its peers, and the wiring of its events.
 *
 * <ul>
 *   <li>connected / heartbeat / reconnect of a peer become heartbeats of source {@code <peer endpointId or
 *       host:port>} of monitor {@code eventName} on channel {@link Channel#PEER}; the engine decides ONSET and ABATED
 *       by its usual rule (the monitor's threshold), so a peer that hangs and one whose connection closed are alike;</li>
 *   <li>a change of leadership (this member's own in multicast, one set through the API for TCP, or the claim a peer
 *       makes in its frames) goes to {@link LeadershipEvents};</li>
 *   <li>a TCP server's read watermark ({@link PeerHeartbeat#heardUpToMillis}) is this endpoint's part of the PEER
 *       channel's watermark ({@link #proveHeard}).</li>
 * </ul>
 * Listener calls come one at a time from the adapter (docs/peer.md); the views are read by the API from any thread.
 */
final class PeerEndpoint implements PeerListener {
    private static final Logger log = LoggerFactory.getLogger(PeerEndpoint.class);
    /** The longest normal step of a server's read watermark; a longer one is blindness (as for HTTP). */
    static final Duration BLIND_AFTER = Duration.ofSeconds(1);
    private static final long ERROR_LOG_EVERY_MILLIS = 60_000;

    /** What this endpoint knows of one peer. */
    record PeerView(String source, String hostname, int port, EventName lastEvent, long lastEventAtMillis, long seqnum,
                    LeadershipStatus leadershipStatus) {
        boolean connected() {
            return lastEvent != EventName.TIMEOUT && lastEvent != EventName.DISCONNECTED;
        }
    }

    private final PeerEndpointSettings settings;
    private final PeerHeartbeat adapter;
    private final PeerLivenessForwarder forwarder;
    private final LeadershipEvents leadershipEvents;
    private final Watermarks watermarks;
    private final Map<String, PeerView> peers = new ConcurrentHashMap<>();
    private final Map<EventName, Counter> eventCounters = new EnumMap<>(EventName.class);
    private final Map<ErrorKind, Counter> errorCounters = new EnumMap<>(ErrorKind.class);
    private final Map<ErrorKind, Long> errorLoggedAt = new EnumMap<>(ErrorKind.class);
    private volatile LeadershipStatus ownLeadership;
    private volatile PeerError lastError;
    private Watermark watermark; // the poller's thread only

    PeerEndpoint(PeerEndpointSettings settings, PeerHeartbeat adapter, HeartbeatReceiver receiver,
                 LeadershipEvents leadershipEvents, MeterRegistry registry) {
        this.settings = settings;
        this.adapter = adapter;
        this.leadershipEvents = leadershipEvents;
        this.watermarks = receiver.watermarks();
        String eventName = settings.eventName();
        this.forwarder = new PeerLivenessForwarder((source, at) -> receiver.accept(new Heartbeat(eventName, source, at), Channel.PEER));
        for (EventName e : EventName.values()) {
            eventCounters.put(e, Counter.builder("vigil.peer.events").description("Peer adapter events, by endpoint and event")
                    .tag("endpoint", settings.name()).tag("event", e.jsonName()).register(registry));
        }
        for (ErrorKind k : ErrorKind.values()) {
            errorCounters.put(k, Counter.builder("vigil.peer.errors").description("Peer adapter errors, by endpoint and kind")
                    .tag("endpoint", settings.name()).tag("kind", k.name()).register(registry));
        }
        Gauge.builder("vigil.peer.connected", this, PeerEndpoint::connectedCount)
                .description("Peers of the endpoint heard and not timed out").tag("endpoint", settings.name()).register(registry);
        Gauge.builder("vigil.peer.running", this, p -> p.adapter.state() == AdapterState.RUNNING ? 1 : 0)
                .description("1 while the endpoint's adapter runs").tag("endpoint", settings.name()).register(registry);
    }

    PeerEndpointSettings settings() {
        return settings;
    }

    PeerHeartbeat adapter() {
        return adapter;
    }

    /** This node's name in leadership events: its endpoint id, else the entry's name. */
    String ownId() {
        return settings.endpointId() != null ? settings.endpointId() : settings.name();
    }

    @Override
    public void onEvent(PeerEvent e) {
        eventCounters.get(e.eventName()).increment();
        forwarder.onEvent(e);
        if (e.eventName() == EventName.LEADERSHIP) { // multicast: this member's own, elected
            LeadershipStatus was = ownLeadership;
            ownLeadership = e.leadershipStatus();
            if (was != e.leadershipStatus()) {
                leadershipEvents.changed(this, ownId(), LeadershipEvents.Scope.SELF, was, e.leadershipStatus(), e.receivedTimestamp());
            }
            return;
        }
        String source = PeerLivenessForwarder.sourceName(e);
        PeerView before = peers.get(source);
        LeadershipStatus claim = e.leadershipStatus() != null ? e.leadershipStatus()
                : before != null && (e.eventName() == EventName.TIMEOUT || e.eventName() == EventName.DISCONNECTED)
                ? before.leadershipStatus() : e.leadershipStatus();
        peers.put(source, new PeerView(source, e.hostname(), e.port(), e.eventName(), e.receivedTimestamp(), e.seqnum(), claim));
        LeadershipStatus was = before == null ? null : before.leadershipStatus();
        if (claim != null && claim != was) {
            leadershipEvents.changed(this, source, LeadershipEvents.Scope.PEER, was, claim, e.receivedTimestamp());
        }
    }

    @Override
    public void onError(PeerError error) {
        lastError = error;
        errorCounters.get(error.kind()).increment();
        Long last = errorLoggedAt.get(error.kind());
        if (last == null || error.timestamp() - last >= ERROR_LOG_EVERY_MILLIS) {
            errorLoggedAt.put(error.kind(), error.timestamp());
            log.warn("peer endpoint {} ({} {}:{}): {} {} (check the peer and the network to it; further {} errors of this "
                            + "endpoint are counted in vigil_peer_errors_total and logged at most once a minute)",
                    settings.name(), settings.type().name().toLowerCase(), settings.hostname(), settings.port(),
                    error.kind(), error.message(), error.kind());
        }
    }

    /** Sets the leadership this TCP node claims (and publishes the change); false for a multicast member. */
    boolean setLeadership(LeadershipStatus status, long nowMillis) {
        if (settings.type() == PeerType.MULTICAST) return false;
        LeadershipStatus was = ownLeadership;
        ownLeadership = status;
        if (was != status) leadershipEvents.changed(this, ownId(), LeadershipEvents.Scope.SELF, was, status, nowMillis);
        return true;
    }

    /**
     * Moves this endpoint's part of the PEER watermark: a running TCP server proves what its event loops have read; a
     * suspended one proves nothing (its sources are held); an endpoint that does not run holds nothing back.
     */
    void proveHeard() {
        if (settings.type() != PeerType.SERVER) return;
        AdapterState state = adapter.state();
        if (state != AdapterState.RUNNING && state != AdapterState.SUSPENDED) {
            if (watermark != null) {
                watermark.close();
                watermark = null;
            }
            return;
        }
        if (watermark == null) watermark = watermarks.register(Channel.PEER, "peer:" + settings.name(), BLIND_AFTER);
        long heard = adapter.heardUpToMillis();
        if (state == AdapterState.RUNNING && heard > 0) watermark.advanceTo(heard);
    }

    void closeWatermark() {
        if (watermark != null) watermark.close();
        watermark = null;
    }

    int connectedCount() {
        int n = 0;
        for (PeerView p : peers.values()) if (p.connected()) n++;
        return n;
    }

    /** The endpoint for the API and status; with {@code withPeers} every peer it knows. */
    PeerBodies.EndpointBody view(boolean withPeers) {
        long heard = adapter.heardUpToMillis();
        PeerError err = lastError;
        return new PeerBodies.EndpointBody(settings.name(), settings.type().name().toLowerCase(), adapter.state().name(),
                settings.hostname(), settings.port(), adapter.localPort(), settings.endpointId(), settings.eventName(),
                ownLeadership == null ? null : ownLeadership.name(), peers.size(), connectedCount(),
                heard > 0 ? Instant.ofEpochMilli(heard).toString() : null,
                err == null ? null : new PeerBodies.ErrorBody(err.kind().name(), err.message(),
                        Instant.ofEpochMilli(err.timestamp()).toString()),
                !withPeers ? null : peers.values().stream().sorted(java.util.Comparator.comparing(PeerView::source))
                        .map(p -> new PeerBodies.PeerBody(p.source(), p.hostname(), p.port(), p.connected(),
                                p.lastEvent().jsonName(), Instant.ofEpochMilli(p.lastEventAtMillis()).toString(), p.seqnum(),
                                p.leadershipStatus() == null ? null : p.leadershipStatus().name()))
                        .toList());
    }
}

package io.vigil.server;

import io.vigil.config.ReloadOutcome;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourcePage;
import io.vigil.engine.SourceQuery;
import io.vigil.http.CoreApi;
import io.vigil.http.HiddenErrors;
import io.vigil.http.StatusBody;
import io.vigil.monitor.Monitor;
import io.vigil.store.deadletter.DeadLetter;
import io.vigil.store.lease.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The running server as the core REST API sees it; builds the {@code GET /api/v1/status} document. */
final class CoreBackend implements CoreApi.Backend {
    private final VigilServer server;

    CoreBackend(VigilServer server) {
        this.server = server;
    }

    @Override
    public String version() {
        return VigilServer.version();
    }

    @Override
    public boolean ready() {
        return server.isReady();
    }

    @Override
    public boolean storeHealthy() {
        return server.liveness().isStoreHealthy();
    }

    @Override
    public boolean active() {
        return server.lease().isHolding();
    }

    @Override
    public String scrapeMetrics() {
        return server.metrics().scrape();
    }

    @Override
    public String state() {
        return server.state().name();
    }

    @Override
    public List<Monitor> monitors() {
        return server.config().monitors();
    }

    @Override
    public Map<String, Map<LivenessState, Long>> sourceCountsByMonitor() {
        return server.liveness().engine().countsByMonitor();
    }

    @Override
    public SourcePage sources(SourceQuery query) {
        return server.liveness().engine().query(query);
    }

    @Override
    public List<OutboxRecord> events(long sinceMillis, int limit, String eventName, String sourceName) {
        return server.outbox().recent(sinceMillis, limit, eventName, sourceName);
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        return server.database().deadLetters().recent(limit);
    }

    @Override
    public ReloadOutcome reload() {
        return server.reload();
    }

    @Override
    public StatusBody status() {
        Map<LivenessState, Long> counts = server.liveness().engine().counts();
        long total = 0;
        for (long k : counts.values()) total += k;
        var engine = server.liveness().engine();
        StatusBody.Counts c = new StatusBody.Counts(server.config().monitors().size(), counts.getOrDefault(LivenessState.UNKNOWN, 0L),
                counts.getOrDefault(LivenessState.ALIVE, 0L), counts.getOrDefault(LivenessState.MISSING, 0L), total,
                engine.acceptedCount(), engine.unknownEventNameCount(), server.liveness().pendingEvents());
        StatusBody.Ingest ingest = IngestStatus.of(server.liveness(), server.poller() == null ? null : server.poller().pollUrl());
        List<StatusBody.Sink> sinks = server.relays().stream()
                .map(r -> new StatusBody.Sink(r.sinkName(), r.delivered(), r.lagRecords(), r.failedAttempts())).toList();
        Map<String, Long> dead = new LinkedHashMap<>();
        long deadTotal = 0;
        for (var e : server.database().deadLetters().counts().entrySet()) {
            dead.put(e.getKey().label(), e.getValue());
            deadTotal += e.getValue();
        }
        dead.put("total", deadTotal);

        var lease = server.lease();
        Optional<Lease> row;
        try {
            row = lease.current();
        } catch (RuntimeException e) {
            row = lease.lastKnown(); // the store is down: show what was seen last
        }
        boolean holding = lease.isHolding();
        long epoch = holding ? lease.epoch() : row.map(Lease::epoch).orElse(lease.epoch());
        return new StatusBody(server.state().name(), (holding ? LeaseKeeper.Phase.ACTIVE : LeaseKeeper.Phase.STANDBY).name(), lease.owner(), epoch,
                row.map(Lease::owner).orElse(null), row.map(l -> l.expiresAt().toString()).orElse(null), ha(),
                VigilServer.version(), Instant.ofEpochMilli(server.startedAtMillis()).toString(),
                server.config().source().name(), c, ingest, sinks,
                server.peerEndpoints() == null ? null : server.peerEndpoints().statusView(),
                server.liveness().isStoreHealthy(), dead);
    }

    /** The {@code ha} object: the lease keeper's phase and epoch, the mode, and what the mode knows of the others. */
    private StatusBody.Ha ha() {
        var lease = server.lease();
        StatusBody.Partitions partitions = null;
        if (server.ha() instanceof HaTopology.KafkaPartitions partitioned) {
            var parts = partitioned.partitions();
            Map<String, Long> owned = new LinkedHashMap<>();
            parts.ownedEpochs().forEach((k, e) -> owned.put(Integer.toString(k), e));
            List<StatusBody.Owner> owners = new ArrayList<>();
            String ownersError = null;
            try {
                for (var o : parts.owners()) {
                    owners.add(new StatusBody.Owner(o.partition(), o.owner(), o.epoch(), o.assignedAt().toString()));
                }
            } catch (RuntimeException e) {
                ownersError = HiddenErrors.note("the store cannot be read", e);
            }
            partitions = new StatusBody.Partitions(parts.topic(), parts.partitionCount(), List.copyOf(parts.assignedPartitions()),
                    owned, parts.rebalances(), parts.lastRebalance() == null ? null : parts.lastRebalance().toString(),
                    owners, ownersError);
        }
        StatusBody.Directory directory = server.ha().peerDirectory().map(peers -> {
            List<StatusBody.Instance> instances = new ArrayList<>();
            String error = null;
            try {
                for (var i : peers.all()) {
                    instances.add(new StatusBody.Instance(i.instanceId(), i.url(), i.startedAt().toString(), i.seenAt().toString()));
                }
            } catch (RuntimeException e) {
                error = HiddenErrors.note("the store cannot be read", e);
            }
            return new StatusBody.Directory(peers.url(), peers.activeUrl().orElse(null), instances, error);
        }).orElse(null);
        return new StatusBody.Ha(server.config().ha().enabled(), lease.phase().name(), lease.epoch(), lease.ttl().toMillis(),
                server.liveness().isActive(), server.config().ha().mode().text(), partitions, directory);
    }
}

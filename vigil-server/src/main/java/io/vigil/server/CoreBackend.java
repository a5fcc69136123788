package io.vigil.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.config.ReloadOutcome;
import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourcePage;
import io.vigil.engine.SourceQuery;
import io.vigil.http.CoreApi;
import io.vigil.http.HiddenErrors;
import io.vigil.http.Json;
import io.vigil.monitor.Monitor;
import io.vigil.store.deadletter.DeadLetter;
import io.vigil.store.lease.Lease;
import io.vigil.transport.relay.OutboxRelay;
import java.time.Instant;
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
    public ObjectNode status() {
        ObjectNode n = Json.object();
        n.put("state", server.state().name());
        haStatus(n);
        n.put("version", VigilServer.version());
        n.put("startedAt", Instant.ofEpochMilli(server.startedAtMillis()).toString());
        n.put("configSource", server.config().source().name());
        Map<LivenessState, Long> counts = server.liveness().engine().counts();
        ObjectNode c = n.putObject("counts");
        c.put("monitors", server.config().monitors().size());
        long total = 0;
        for (var e : counts.entrySet()) {
            c.put(e.getKey().name().toLowerCase(), e.getValue());
            total += e.getValue();
        }
        c.put("sources", total);
        c.put("heartbeatsAccepted", server.liveness().engine().acceptedCount());
        c.put("unknownEventName", server.liveness().engine().unknownEventNameCount());
        c.put("pendingEvents", server.liveness().pendingEvents());
        ObjectNode ingest = n.putObject("ingest");
        IngestStatus.write(ingest, server.liveness());
        if (server.poller() != null) ingest.put("dmaap", server.poller().pollUrl());
        ArrayNode sinks = n.putArray("sinks");
        for (OutboxRelay r : server.relays()) {
            sinks.addObject().put("name", r.sinkName()).put("delivered", r.delivered())
                    .put("lag", r.lagRecords()).put("failedAttempts", r.failedAttempts());
        }
        if (server.peerEndpoints() != null) n.set("peers", server.peerEndpoints().statusView());
        n.put("storeHealthy", server.liveness().isStoreHealthy());
        ObjectNode dead = n.putObject("deadLetters");
        long deadTotal = 0;
        for (var e : server.database().deadLetters().counts().entrySet()) {
            dead.put(e.getKey().label(), e.getValue());
            deadTotal += e.getValue();
        }
        dead.put("total", deadTotal);
        return n;
    }

    /**
     * role (ACTIVE only while this instance may emit), epoch (this instance's while it holds the lease, else the
     * lease's), activeId, leaseExpiresAt (database clock), and an {@code ha} object with the details.
     */
    private void haStatus(ObjectNode n) {
        var lease = server.lease();
        Optional<Lease> row;
        try {
            row = lease.current();
        } catch (RuntimeException e) {
            row = lease.lastKnown(); // the store is down: show what was seen last
        }
        boolean holding = lease.isHolding();
        n.put("role", holding ? "ACTIVE" : "STANDBY");
        n.put("instanceId", lease.owner());
        long epoch = holding ? lease.epoch() : row.map(Lease::epoch).orElse(lease.epoch());
        n.put("epoch", epoch);
        n.put("activeId", row.map(Lease::owner).orElse(null));
        n.put("leaseExpiresAt", row.map(l -> l.expiresAt().toString()).orElse(null));
        ObjectNode ha = n.putObject("ha");
        ha.put("enabled", server.config().ha().enabled());
        ha.put("phase", lease.phase().name());
        ha.put("ownEpoch", lease.epoch());
        ha.put("leaseTtlMillis", lease.ttl().toMillis());
        ha.put("detecting", server.liveness().isActive());
        ha.put("mode", server.config().ha().mode().text());
        if (server.ha() instanceof HaTopology.KafkaPartitions partitioned) {
            var parts = partitioned.partitions();
            ObjectNode p = ha.putObject("partitions");
            p.put("topic", parts.topic());
            p.put("partitionCount", parts.partitionCount());
            ArrayNode assigned = p.putArray("assigned");
            parts.assignedPartitions().forEach(assigned::add);
            ObjectNode owned = p.putObject("owned");
            parts.ownedEpochs().forEach((k, e) -> owned.put(Integer.toString(k), e));
            p.put("rebalances", parts.rebalances());
            p.put("lastRebalanceAt", parts.lastRebalance() == null ? null : parts.lastRebalance().toString());
            try {
                ArrayNode owners = p.putArray("owners");
                for (var o : parts.owners()) {
                    owners.addObject().put("partition", o.partition()).put("owner", o.owner()).put("epoch", o.epoch())
                            .put("assignedAt", o.assignedAt().toString());
                }
            } catch (RuntimeException e) {
                p.put("ownersError", HiddenErrors.note("the store cannot be read", e));
            }
        }
        server.ha().peerDirectory().ifPresent(peers -> {
            ha.put("url", peers.url());
            ha.put("activeUrl", peers.activeUrl().orElse(null));
            ArrayNode list = ha.putArray("instances");
            try {
                for (var i : peers.all()) {
                    list.addObject().put("instanceId", i.instanceId()).put("url", i.url())
                            .put("startedAt", i.startedAt().toString()).put("seenAt", i.seenAt().toString());
                }
            } catch (RuntimeException e) {
                ha.put("instancesError", HiddenErrors.note("the store cannot be read", e));
            }
        });
    }
}

package io.vigil.server.collect;

import io.vertx.core.Vertx;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.action.ActionRunner;
import io.vigil.collect.action.DelayedActionRepository;
import io.vigil.collect.action.DelayedActionSink;
import io.vigil.collect.action.PlanRepository;
import io.vigil.collect.action.PlanRunner;
import io.vigil.collect.coordinator.CollectEngine;
import io.vigil.collect.coordinator.OutboxChangeWriter;
import io.vigil.collect.datasource.CheckRunner;
import io.vigil.collect.datasource.Datasources;
import io.vigil.collect.rpc.Collector;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.rpc.HttpCollector;
import io.vigil.collect.snapshot.SnapshotStore;
import io.vigil.collect.worker.CollectEventsOnly;
import io.vigil.delivery.Sink;
import io.vigil.store.Database;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull side as it runs inside {@code vigil serve}: the in-process collector (unless {@code collect.collectors}
 * names remote ones), the collector pool, the engine with its journal and snapshots, one outbox relay per worker,
 * delayed actions and plans. Built by {@code CollectWiring}; closed with the server.
 */
public final class CollectRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectRuntime.class);
    static final Duration WORKER_POLL = Duration.ofMillis(500);

    private final CollectSettings settings;
    private final CheckRunner checks;
    private final CollectorService local;
    private final EventQueue queue;
    private final List<HttpCollector> remotes = new ArrayList<>();
    private final CollectEngine engine;
    private final List<OutboxRelay> relays = new ArrayList<>();
    private final List<Sink> sinks = new ArrayList<>();
    private final Database db;
    private final Vertx vertx;
    private final Clock clock;
    private final ActionRunner actionRunner;
    private final DelayedActionRepository delayed;
    private final DelayedActionSink delayedSink;
    private final PlanRunner plans;

    /**
     * @param workerSinks one sink per configured worker (built by the server, which owns webhook and Kafka clients)
     * @param active      whether this instance holds the lease (the timers do nothing otherwise)
     * @param epoch       the lease epoch for outbox writes
     */
    public CollectRuntime(Vertx vertx, Database db, OutboxRepository outbox, CollectSettings settings, List<Sink> workerSinks,
                          BooleanSupplier active, LongSupplier epoch, Clock clock) {
        this.settings = settings;
        this.db = db;
        this.vertx = vertx;
        this.clock = clock;
        this.checks = new CheckRunner(vertx, clock);
        this.queue = EventQueues.open(settings.eventQueue(), () -> db);
        List<Collector> collectors = new ArrayList<>();
        if (settings.collectors().isEmpty()) {
            local = new CollectorService("in-process", Datasources.build(settings.datasources(), checks, clock), queue, clock);
            collectors.add(local);
        } else {
            local = null;
            for (String url : settings.collectors()) {
                HttpCollector c = new HttpCollector(vertx, url, settings.callTimeout());
                remotes.add(c);
                collectors.add(c);
            }
        }
        for (Sink s : workerSinks) {
            Sink filtered = new io.vigil.delivery.KindFilter(s, CollectEventsOnly.KINDS);
            sinks.add(filtered);
            relays.add(OutboxRelay.start(filtered, outbox, RelaySettings.defaults().withPollInterval(WORKER_POLL)));
        }
        StateWriter stateWriter = new StateWriter(db);
        OutboxChangeWriter writer = new OutboxChangeWriter(stateWriter, epoch, clock, this::wakeWorkers);
        this.engine = new CollectEngine(settings, new CollectorPool(collectors, clock), new SnapshotStore(db), writer, clock, active);
        this.actionRunner = new ActionRunner(vertx, settings.actions());
        this.delayed = new DelayedActionRepository(db);
        this.delayedSink = new DelayedActionSink(delayed, actionRunner, clock, this::instanceNameOf);
        sinks.add(delayedSink);
        relays.add(OutboxRelay.start(delayedSink, outbox, RelaySettings.defaults().withPollInterval(WORKER_POLL)));
        this.plans = new PlanRunner(new PlanRepository(db), actionRunner, engine::entities, (id, source, payload) -> {
            stateWriter.commit(List.of(), List.of(new OutboxEntry(id, OutboxChangeWriter.EVENT_NAME, source, "PLAN_EVENT", payload,
                    clock.millis())), epoch.getAsLong());
            wakeWorkers();
        }, clock);
        engine.addListener(changes -> plans.wakeUp());
    }

    /** The instance holding {@code ip}: the cached datasources' mapping first (kept while a cloud API fails), then the table. */
    private String instanceNameOf(String ip) {
        String cached = local == null ? null : local.cachedInstanceName(ip);
        if (cached != null) return cached;
        for (var e : engine.entities())
            if (e.type() == io.vigil.collect.datasource.EntityType.INSTANCES && ip.equals(e.ip())) return e.name();
        return null;
    }

    /** The HTTP face of delayed actions and plans. */
    public ActionsApi actionsApi() {
        return new ActionsApi(vertx, delayed, delayedSink, actionRunner, plans, clock, engine::entities);
    }

    public PlanRunner plans() {
        return plans;
    }

    public void start() {
        engine.start();
        plans.start();
        log.info("collect: {} datasources, {}, every {} get_changes and every {} get_all, {} workers",
                settings.datasources().size(), local != null ? "in-process collector" : "collectors " + settings.collectors(),
                settings.changesInterval(), settings.allInterval(), sinks.size());
    }

    void wakeWorkers() {
        for (OutboxRelay r : relays) r.wakeUp();
    }

    public CollectEngine engine() {
        return engine;
    }

    /** The in-process collector, or null when the configuration names remote collectors. */
    public CollectorService localCollector() {
        return local;
    }

    public CollectSettings settings() {
        return settings;
    }

    public Database database() {
        return db;
    }

    @Override
    public void close() {
        plans.close();
        engine.close();
        relays.forEach(OutboxRelay::close);
        sinks.forEach(Sink::close);
        remotes.forEach(HttpCollector::close);
        queue.close();
        checks.close();
        actionRunner.close();
    }
}

package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vigil.config.ConfigDiff;
import io.vigil.config.ConfigError;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.DetectionConfig;
import io.vigil.config.DmaapIngest;
import io.vigil.config.PublishTarget;
import io.vigil.config.RemoteConfig;
import io.vigil.config.VigilConfig;
import io.vigil.delivery.Sink;
import io.vigil.dependency.Dependency;
import io.vigil.dependency.DependencyCycles;
import io.vigil.engine.ChangeEvent;
import io.vigil.config.ReloadOutcome;
import io.vigil.http.ApiRoutes;
import io.vigil.http.CoreApi;
import io.vigil.http.HeartbeatRoute;
import io.vigil.http.HttpApi;
import io.vigil.http.HttpWatermark;
import io.vigil.liveness.AlarmPathWarmUp;
import io.vigil.liveness.LivenessService;
import io.vigil.metrics.VigilMetrics;
import io.vigil.store.Database;
import io.vigil.server.ha.FencedSink;
import io.vigil.server.ha.HeartbeatForwarder;
import io.vigil.server.ha.PeerDirectory;
import io.vigil.server.ha.SharedConfig;
import io.vigil.store.config.ConfigRepository;
import io.vigil.store.detection.DependencyRepository;
import io.vigil.store.instance.InstanceRepository;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.monitor.MonitorRepository;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.transport.dmaap.DmaapPoller;
import io.vigil.transport.dmaap.DmaapPollerSettings;
import io.vigil.transport.dmaap.DmaapPublishSink;
import io.vigil.transport.log.LogSink;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.transport.webhook.WebhookSink;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Vigil: store, lease, engine, ingest (HTTP, DMaaP MR), outbox relays to the sinks, HTTP API, reload.
 * {@link #start} brings everything up in dependency order; {@link #close} takes it down in reverse, so that every
 * accepted heartbeat is checkpointed and every decided event is in the outbox before the process exits.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VigilServer.class);
    /** Outbox rows delivered to every sink are kept this long for {@code GET /api/v1/events}. */
    private static final Duration EVENT_RETENTION = Duration.ofHours(24);

    private final ServerOptions options;
    private final Clock clock = Clock.systemUTC();
    private final Vertx vertx;
    /**
     * The event loop of the publish sinks' HTTP exchanges (webhook, Message Router): their own, so that an alarm's
     * request and its answer never queue behind the ingest work of the HTTP listener's event loops (a fleet's burst of
     * heartbeat batches). One loop: an alarm costs microseconds there, the sinks' in-flight bounds stay as they are.
     */
    private final Vertx delivery;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-background").daemon(true).unstarted(r));
    private final long startedAtMillis = System.currentTimeMillis();
    /** ONSET/ABATED log lines: one each up to {@value #ALARM_LINES_PER_SECOND} a second, then a summary (a storm). */
    private static final int ALARM_LINES_PER_SECOND = 20;
    private final AlarmLog alarmLog = new AlarmLog(log, clock::millis, ALARM_LINES_PER_SECOND);
    private final RemoteConfig remoteConfig = new RemoteConfig();
    private final CopyOnWriteArrayList<OutboxRelay> relays = new CopyOnWriteArrayList<>();
    private final io.vigil.liveness.ChangeFeed changes = new io.vigil.liveness.ChangeFeed();
    private final List<AutoCloseable> capabilities = new CopyOnWriteArrayList<>();
    private @Nullable AutoCloseable kafkaIngest;
    private volatile VigilConfig config;
    private volatile ServiceState state = ServiceState.RUNNING;
    private Database db;
    private OutboxRepository outbox;
    private MonitorRepository monitorRepo;
    private LeaseKeeper lease;
    /** Guards role changes against reloads: both start and stop relays and DMaaP polling. */
    private final Object roleLock = new Object();
    private volatile boolean emitting;
    private @Nullable PeerDirectory peers;
    private @Nullable SharedConfig sharedConfig;
    private @Nullable HeartbeatForwarder forwarder;
    /** ha.mode: kafka-partitions (fixed at start: the mode is per instance and needs a restart to change). */
    private final boolean partitioned;
    /** Active-active over Kafka partitions (ha.mode: kafka-partitions); null otherwise. */
    private io.vigil.server.ha.@Nullable PartitionAssignments partitions;
    private io.vigil.server.ha.@Nullable KafkaHeartbeatRouter router;
    private LivenessService liveness;
    private VigilMetrics metrics;
    private @Nullable DmaapPoller poller;
    private HttpApi http;
    private @Nullable HttpWatermark httpWatermark;
    private @Nullable DemoSource demo;
    /** The {@code peers[]} endpoints; null when none is configured. */
    private io.vigil.server.peers.@Nullable PeerEndpoints peerEndpoints;
    private HeartbeatRoute detectRoute, forwardRoute, publishRoute;
    /** The HA mode with its parts, set once they all run; {@link HaTopology.Single} until then. */
    private volatile HaTopology topology = new HaTopology.Single();

    private static final int EVENT_LOOPS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private VigilServer(ServerOptions options) {
        this.options = options;
        this.config = options.config();
        this.partitioned = options.config().ha().partitioned();
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS));
        this.delivery = deliveryVertx();
    }

    /** The publish sinks' own Vert.x instance ({@link #delivery}): one event loop, threads only when used. */
    static Vertx deliveryVertx() {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    }

    /** Starts a server; on failure everything started so far is closed and the exception rethrown. */
    public static VigilServer start(ServerOptions options) throws Exception {
        VigilServer s = new VigilServer(options);
        try {
            s.startAll();
            return s;
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        VigilConfig c = config;
        String url = c.store().jdbcUrl(options.dataDir());
        db = Database.open(url, c.store().user(), c.store().password());
        log.info("store: {}", db.displayUrl());
        outbox = new OutboxRepository(db);
        monitorRepo = new MonitorRepository(db);
        metrics = new VigilMetrics(registry);
        metrics.bindDeadLetters(db.deadLetters());
        metrics.bindOutboxTail(db.outboxTail());
        JournalHook journalHook = new JournalHook(metrics, changes, alarmLog, new java.util.concurrent.atomic.AtomicReference<>());
        liveness = new LivenessService(clock, new StateWriter(db, clock), new SourceRepository(db),
                c.detection().checkpointInterval(), c.detection().grace(),
                e -> lease.isHolding() && lease.epoch() == e, OutboxRelay.wakingAll(relays), journalHook);
        journalHook.liveness.set(liveness);
        // the sources table catches up with the alarm rows' states once every relay has acknowledged what it read
        liveness.setDeliveryIdle(() -> relays.stream().allMatch(r -> r.lagRecords() == 0));
        detectRoute = new HeartbeatRoute.Detect(liveness);
        liveness.configure(c.monitors());
        liveness.setLimits(c.limits());
        if (c.ha().partitioned()) {
            liveness.usePartitions(c.ingest().kafka().topics().getFirst());
            // before HTTP binds: a heartbeat that arrives while this instance starts goes into the topic, to its
            // partition's owner, instead of this instance's engine, which owns nothing yet (it would be dropped)
            router = new io.vigil.server.ha.KafkaHeartbeatRouter(c.ingest().kafka().bootstrapServers(),
                    c.ingest().kafka().topics().getFirst(), c.ingest().kafka().properties());
            publishRoute = new HeartbeatRoute.Publish(router);
            // an HTTP heartbeat reaches its owner's engine as a Kafka one: a stall of the HTTP event loops (they hold
            // it, then it arrives with its old event time) must hold Kafka-fed sources as it holds HTTP-fed ones
            liveness.watermarks().route(io.vigil.ingest.Channel.HTTP, io.vigil.ingest.Channel.KAFKA);
        }
        monitorRepo.replaceAll(c.monitors());
        lease = new LeaseKeeper(new LeaseRepository(db), c.ha().instanceId(), c.ha().leaseTtl(), new Roles());
        if (partitioned) {
            partitions = new io.vigil.server.ha.PartitionAssignments(new io.vigil.store.partition.PartitionOwnerRepository(db),
                    liveness, lease.owner(), registry);
        }
        metrics.bindEngine(liveness, lease);
        metrics.bindHa(lease);
        if (!c.ha().enabled()) {
            // a single instance: wait (at most one TTL) for a dead predecessor's lease, then detect and relay
            lease.start();
            lease.awaitFirstActivation();
        }
        http = HttpApi.start(vertx, c.http(), version(), this::heartbeatRoute, liveness::limits, metrics,
                List.of(new CoreApi(new CoreBackend(this), metrics)));
        httpWatermark = HttpWatermark.start(vertx, liveness.watermarks(), EVENT_LOOPS);
        if (c.ha().enabled()) startHa(c);
        if (c.ha().partitioned()) startPartitions(c);
        if (c.ha().partitioned()) topology = new HaTopology.KafkaPartitions(peers, partitions, router);
        else if (c.ha().enabled()) topology = new HaTopology.ActiveStandby(peers, forwarder);
        if (c.remote().enabled() && c.remote().pollInterval() != null) {
            long every = c.remote().pollInterval().toMillis();
            background.scheduleWithFixedDelay(this::reloadQuietly, every, every, TimeUnit.MILLISECONDS);
        }
        background.scheduleWithFixedDelay(this::prune, 1, 10, TimeUnit.MINUTES);
        background.scheduleWithFixedDelay(alarmLog::flush, 1, 1, TimeUnit.SECONDS);
        if (c.detection().warmUp()) background.scheduleWithFixedDelay(this::warmUpWhenLarge, 1, 1, TimeUnit.SECONDS);
        CollectWiring.start(this);
        DetectionWiring.start(this);
        io.micrometer.core.instrument.Counter slowStreamClients = metrics.bindEventStream(changes);
        http.mount(new io.vigil.http.dashboard.DashboardApi(vertx, new io.vigil.http.dashboard.DashboardApi.Backend() {
            @Override
            public io.vigil.liveness.ChangeFeed changes() {
                return changes;
            }

            @Override
            public io.vigil.engine.SourceView source(io.vigil.engine.SourceKey key) {
                return liveness.engine().source(key);
            }

            @Override
            public void slowClientClosed() {
                slowStreamClients.increment();
            }
        }));
        if (!c.peers().isEmpty()) startPeers(c);
        if (options.demo()) demo = DemoSource.start(vertx, liveness);
        log.info("Vigil {} is RUNNING: " + c.http().scheme() + "://{}:{}/ , {} monitors, publishing to {}", version(), c.http().host(),
                http.port(), c.monitors().size(), c.publish().stream().map(PublishTarget::type).toList());
    }

    /**
     * The {@code peers[]} endpoints: their peers feed the engine (channel PEER), their leadership changes go to the
     * outbox under this instance's epoch while it holds the lease (docs/peer.md, "Peers inside vigil serve").
     */
    private void startPeers(VigilConfig c) {
        StateWriter writer = new StateWriter(db);
        peerEndpoints = io.vigil.server.peers.PeerEndpoints.start(vertx, liveness.watermarks().clock(), c.peers(), liveness,
                entry -> {
                    writer.commit(List.of(), List.of(entry), lease.epoch());
                    wakeRelays();
                }, lease::isHolding, registry);
        http.mount(new io.vigil.server.peers.PeersApi(peerEndpoints));
    }

    /** The {@code peers[]} endpoints; null when none is configured. */
    public io.vigil.server.peers.@Nullable PeerEndpoints peerEndpoints() {
        return peerEndpoints;
    }

    // ------------------------------------------------------------------ HA role

    /**
     * Role changes decided by the lease keeper (one thread, in order). Only the ACTIVE instance detects, writes,
     * polls DMaaP and runs relays; a SUSPENDED one keeps detecting in memory but writes and delivers nothing; a
     * STANDBY forwards heartbeats. See docs/ha.md.
     */
    private final class Roles implements LeaseKeeper.RoleListener {
        @Override
        public void activated(long epoch, String why) {
            if (partitioned) { // active-active: the lease only elects who delivers the outbox
                synchronized (roleLock) {
                    emitting = true;
                    startRelays(config.publish());
                }
                roleChanged(LeaseKeeper.Phase.ACTIVE, "became the relay leader: " + why + "; detection follows the Kafka partitions");
                return;
            }
            synchronized (roleLock) {
                registerSinks(config.publish()); // before the first decision: a new sink gets every alarm from here on
                liveness.activate(epoch);
                emitting = true;
                startRelays(config.publish());
                startDmaap(config);
                startKafka(config);
            }
            roleChanged(LeaseKeeper.Phase.ACTIVE, "became active: " + why + "; state restored from the store");
        }

        @Override
        public void suspended(String why) {
            synchronized (roleLock) {
                emitting = false;
                stopRelays();
            }
            roleChanged(LeaseKeeper.Phase.SUSPENDED, "stopped emitting: " + why + "; detection goes on in memory, events wait");
        }

        @Override
        public void resumed(long epoch, String why) {
            synchronized (roleLock) {
                liveness.setEpoch(epoch);
                emitting = true;
                startRelays(config.publish());
            }
            roleChanged(LeaseKeeper.Phase.ACTIVE, "emitting again: " + why);
        }

        @Override
        public void demoted(String why) {
            if (partitioned) {
                synchronized (roleLock) {
                    emitting = false;
                    stopRelays();
                }
                roleChanged(LeaseKeeper.Phase.STANDBY, "no longer the relay leader: " + why + "; detection follows the Kafka partitions");
                return;
            }
            synchronized (roleLock) {
                emitting = false;
                stopDmaap();
                stopKafka();
                stopRelays();
                liveness.deactivate();
            }
            roleChanged(LeaseKeeper.Phase.STANDBY, "became standby: " + why + "; in-memory state dropped, heartbeats are forwarded");
        }
    }

    private void roleChanged(LeaseKeeper.Phase role, String why) {
        metrics.roleChanged(role.name());
        if (role == LeaseKeeper.Phase.ACTIVE) log.info("HA role {} (instance {}, epoch {}): {}", role, lease.owner(), lease.epoch(), why);
        else log.warn("HA role {} (instance {}, epoch {}): {}", role, lease.owner(), lease.epoch(), why);
    }

    private void startHa(VigilConfig c) {
        long ttl = c.ha().leaseTtl().toMillis();
        peers = new PeerDirectory(new InstanceRepository(db), lease.owner(),
                PeerDirectory.advertisedUrl(c.ha().advertiseUrl(), c.http().host(), http.port(), c.http().tls() != null));
        peers.announce();
        lease.observeLease(peers::observe);
        if (!c.ha().partitioned()) forwarder = new HeartbeatForwarder(vertx, HeartbeatForwarder.clientOptions(c.ha().caFile(),
                c.http().tls()), lease.owner(), peers::activeUrl,
                metrics.ingested(io.vigil.ingest.Channel.HTTP, "forwarded"),
                metrics.ingested(io.vigil.ingest.Channel.HTTP, "forward_unavailable"),
                metrics.ingested(io.vigil.ingest.Channel.HTTP, "kept_by_standby"), liveness.standbyHeartbeats(), liveness::limits,
                liveness.watermarks().clock());
        if (forwarder != null) {
            forwarder.watchTls(c.ha().caFile(), c.http().tls());
            forwardRoute = new HeartbeatRoute.Forward(forwarder::forward);
        }
        sharedConfig = new SharedConfig(new ConfigRepository(db), this::applyShared);
        sharedConfig.startup(c);
        background.scheduleWithFixedDelay(() -> sharedConfig.poll(this::config), 1000, 1000, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(peers::announce, ttl, ttl, TimeUnit.MILLISECONDS);
        lease.start();
        log.info("HA enabled: instance {} at {}, lease TTL {} ms; STANDBY until it holds the lease", lease.owner(), peers.url(), ttl);
    }

    /**
     * Active-active over Kafka partitions: every instance joins the consumer group at start and detects the sources
     * of the partitions it is assigned (see {@link io.vigil.server.ha.PartitionAssignments}); HTTP heartbeats are
     * routed into the topic, keyed by sourceName, so they reach their partition's owner.
     */
    private void startPartitions(VigilConfig c) {
        kafkaIngest = KafkaWiring.startIngest(c.ingest().kafka(), liveness, metrics, partitions, c.ha().instanceId());
        log.info("HA mode kafka-partitions: instance {} detects the sources of the partitions of {} it is assigned in group {}",
                lease.owner(), c.ingest().kafka().topics().getFirst(), c.ingest().kafka().groupId());
    }

    /** A configuration reloaded on another instance (see {@link SharedConfig}). */
    private synchronized void applyShared(VigilConfig next) {
        ReloadOutcome r = apply(next);
        metrics.reloads(r.applied() ? "shared" : "failed").increment();
    }

    // ------------------------------------------------------------------ sinks and relays

    /**
     * Gives every configured sink its delivery cursor now. A sink never seen before starts at the outbox's current
     * end; left to its relay's first read, that end would be wherever the journal had got to when the relay's thread
     * first ran, and the alarms written in between would never reach the new sink.
     */
    private void registerSinks(List<PublishTarget> targets) {
        for (String name : sinkNames(targets)) outbox.cursor(name);
    }

    /** The configured sinks' names, in order: a target configured twice gets {@code #2}, {@code #3}, … */
    private static List<String> sinkNames(List<PublishTarget> targets) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(targets.size());
        for (PublishTarget t : targets) {
            String base = sinkName(t);
            int n = seen.merge(base, 1, Integer::sum);
            names.add(n == 1 ? base : base + "#" + n);
        }
        return names;
    }

    private void startRelays(List<PublishTarget> targets) {
        registerSinks(targets);
        List<String> names = sinkNames(targets);
        for (int i = 0; i < targets.size(); i++) {
            PublishTarget t = targets.get(i);
            String name = names.get(i);
            Sink sink = switch (t) {
                case PublishTarget.Dmaap d -> new DmaapPublishSink(delivery, name, URI.create(d.url()),
                        Optional.ofNullable(d.auth()), WebhookSink.DEFAULT_TIMEOUT, d.caFile(),
                        d.batch().maxEvents(), d.batch().maxDelay());
                case PublishTarget.Webhook w -> new WebhookSink(delivery, name, URI.create(w.url()), w.headers(), WebhookSink.DEFAULT_TIMEOUT, w.caFile(),
                        w.batch().map(b -> new WebhookSink.Batching(b.maxEvents(), b.maxDelay(), true))
                                .orElse(WebhookSink.Batching.ONE_PER_REQUEST));
                case PublishTarget.Log l -> new LogSink(name);
                case PublishTarget.Kafka k -> KafkaWiring.sink(name, k, metrics);
            };
            // publish targets get the liveness alarms; the pull side's records go to its workers only
            Sink alarms = new io.vigil.delivery.KindFilter(sink, io.vigil.delivery.KindFilter.PUBLISHED);
            OutboxRelay relay = OutboxRelay.start(new FencedSink(alarms, lease::isHolding), outbox, RelaySettings.defaults());
            relays.add(relay);
            metrics.bindRelay(relay);
        }
    }

    /** A stable sink name, so that the delivery cursor survives restarts: type plus target. */
    private static String sinkName(PublishTarget t) {
        return switch (t) {
            case PublishTarget.Dmaap d -> "dmaap:" + d.url();
            case PublishTarget.Webhook w -> "webhook:" + w.url();
            case PublishTarget.Log l -> "log";
            case PublishTarget.Kafka k -> "kafka:" + k.bootstrapServers() + "/" + k.topic();
        };
    }

    private void wakeRelays() {
        for (OutboxRelay r : relays) r.wakeUp();
    }

    // ------------------------------------------------------------------ the alarm path's warm-up

    /** Guards the warm-up's start against the stop. */
    private final Object warmUpLock = new Object();
    /** The warm-up's thread once started (at most once per process), and the flag that ends it. */
    private Thread warmUp; // guarded by warmUpLock
    private volatile boolean warmUpStop;
    /** Heap the warm-up needs free before it starts (its scratch engine, store cache and queues take 40-60 MB). */
    static final long WARM_UP_MIN_FREE_HEAP = 256L << 20;
    /** Disk it needs free in the data directory (its scratch store stays well under this). */
    static final long WARM_UP_MIN_FREE_DISK = 1L << 30;
    /**
     * Real alarms waiting for the journal above which the warm-up gives way (a storm): the few of a steady churn pass
     * through the journal in milliseconds and must not end it.
     */
    static final int WARM_UP_YIELD_ALARMS = 1_000;
    /** Sources per synthetic storm of the warm-up, and its ONSET storms (ABATED ones between them). */
    static final int WARM_UP_SOURCES = Integer.getInteger("vigil.warmUp.sources", 20_000); // a bench knob, not configuration
    static final int WARM_UP_ROUNDS = Integer.getInteger("vigil.warmUp.rounds", 3);
    /** Rounds the warm-up may go on to while the JIT still compiles (see {@link AlarmPathWarmUp}). */
    static final int WARM_UP_MAX_ROUNDS = Math.max(WARM_UP_ROUNDS, Integer.getInteger("vigil.warmUp.maxRounds", 8));

    /**
     * {@code detection.warmUp}: once the active engine tracks {@link DetectionConfig#WARM_UP_AFTER_SOURCES} sources
     * and no storm of real alarms waits, runs {@link AlarmPathWarmUp} on a thread of its own in
     * {@code <dataDir>/warm-up}. It gives way: more than {@link #WARM_UP_YIELD_ALARMS} real alarms waiting, a lost role
     * or the stop end it (after a real storm the path is warm anyway). Checked every second on the background thread.
     */
    private void warmUpWhenLarge() {
        synchronized (warmUpLock) {
            if (warmUp != null || warmUpStop || !liveness.isActive() || liveness.queuedAlarms() > WARM_UP_YIELD_ALARMS
                    || liveness.engine().trackedSources() < DetectionConfig.WARM_UP_AFTER_SOURCES) return;
            String leftOut = warmUpLeftOutBecause();
            if (leftOut != null) {
                warmUpStop = true; // decided once
                log.info("alarm path warm-up left out ({}): a first storm may be slower (detection.warmUp)", leftOut);
                return;
            }
            Path dir = options.dataDir().resolve("warm-up");
            List<PublishTarget> targets = config.publish();
            warmUp = Thread.ofPlatform().name("vigil-warm-up").daemon(true).start(() -> {
                VigilMetrics scratch = new VigilMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
                try (WarmUpReceiver receiver = WarmUpReceiver.start(delivery, targets, scratch.registry())) {
                    AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(dir, WARM_UP_SOURCES, WARM_UP_ROUNDS, WARM_UP_MAX_ROUNDS,
                            () -> warmUpStop || !liveness.isActive() || liveness.queuedAlarms() > WARM_UP_YIELD_ALARMS,
                            receiver.sinks(), warmUpInstruments(scratch));
                    log.info("alarm path warmed up: {} synthetic storms ({} events) through a scratch store in {} ms, so "
                            + "that a first storm does not wait for the JVM's compiler (detection.warmUp)", r.storms(),
                            r.events(), r.millis());
                } catch (AlarmPathWarmUp.Stopped e) {
                    // the stop, a lost role or real alarms: they go first
                } catch (RuntimeException e) {
                    log.info("alarm path warm-up stopped ({}): a first storm may be slower; detection and delivery are "
                            + "not affected", e.getMessage());
                }
            });
        }
    }

    /**
     * Why the warm-up is not run here, or null: it runs on the embedded H2 store only (on PostgreSQL it would compile
     * code such a server never runs), with heap and disk to spare.
     */
    private String warmUpLeftOutBecause() {
        if (db.dialect() != io.vigil.store.Dialect.H2) return "the store is not the embedded one";
        Runtime rt = Runtime.getRuntime();
        if (rt.maxMemory() - (rt.totalMemory() - rt.freeMemory()) < WARM_UP_MIN_FREE_HEAP) return "less than 256 MiB of heap free";
        if (usableSpace(options.dataDir()) < WARM_UP_MIN_FREE_DISK) return "less than 1 GiB free in the data directory";
        return null;
    }

    private static long usableSpace(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
            return java.nio.file.Files.getFileStore(dir).getUsableSpace();
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /** Asks a running warm-up to end (it then cleans up); see {@link #awaitWarmUp}. */
    private void stopWarmUp() {
        synchronized (warmUpLock) {
            warmUpStop = true;
        }
    }

    /** Waits for a stopped warm-up to have deleted its scratch store, 5 s at most. */
    private void awaitWarmUp() {
        Thread t;
        synchronized (warmUpLock) {
            t = warmUp;
        }
        if (t == null) return;
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopRelays() {
        for (OutboxRelay r : relays) {
            metrics.unbindRelay(r);
            r.close();
        }
        relays.clear();
    }

    /**
     * What the journal does with every durable change event: metrics, the live event feed, the alarm log lines. One
     * class for the server's journal and the warm-up's (see {@link AlarmPathWarmUp.Instruments}).
     */
    static final class JournalHook implements java.util.function.Consumer<ChangeEvent> {
        private final VigilMetrics metrics;
        private final io.vigil.liveness.ChangeFeed changes;
        private final AlarmLog alarmLog;
        /** The service whose engine knows the events' monitors; set once it is made (it is made with this hook). */
        final java.util.concurrent.atomic.AtomicReference<LivenessService> liveness;

        JournalHook(VigilMetrics metrics, io.vigil.liveness.ChangeFeed changes, AlarmLog alarmLog,
                    java.util.concurrent.atomic.AtomicReference<LivenessService> liveness) {
            this.metrics = metrics;
            this.changes = changes;
            this.alarmLog = alarmLog;
            this.liveness = liveness;
        }

        @Override
        public void accept(ChangeEvent e) {
            metrics.recordChange(e, liveness.get().engine());
            changes.publish(e);
            alarmLog.written(e);
        }
    }

    /**
     * The warm-up's journal hook and relay observers: the server's own kinds, on a meter registry of their own, a
     * change feed nobody reads and an alarm log whose logger is off (a logger of the same class as the real one).
     */
    private AlarmPathWarmUp.Instruments warmUpInstruments(VigilMetrics scratch) {
        org.slf4j.Logger silent = LoggerFactory.getLogger(VigilServer.class.getName() + ".warm-up");
        if (silent instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.OFF);
        else silent = org.slf4j.helpers.NOPLogger.NOP_LOGGER;
        AlarmLog quiet = alarmLog.to(silent);
        return new AlarmPathWarmUp.Instruments() {
            @Override
            public java.util.function.Consumer<ChangeEvent> journalHook(
                    java.util.concurrent.atomic.AtomicReference<LivenessService> liveness) {
                return new JournalHook(scratch, new io.vigil.liveness.ChangeFeed(), quiet, liveness);
            }

            @Override
            public void bindRelay(OutboxRelay relay) {
                scratch.bindRelay(relay);
            }
        };
    }

    // ------------------------------------------------------------------ ingest

    private void startDmaap(VigilConfig c) {
        DmaapIngest d = c.ingest().dmaap();
        if (d == null) return;
        DmaapPollerSettings s = DmaapPollerSettings.of(URI.create(d.url()), d.group(), d.consumer(),
                        Optional.ofNullable(d.auth()))
                .withLongPollTimeout(d.pollTimeout()).withLimit(d.limit()).withRequestGrace(d.pollGrace())
                .withBackoff(io.vigil.backoff.BackoffPolicy.exponential(min(java.time.Duration.ofMillis(250), d.retryMax()), d.retryMax()))
                .withClock(liveness.watermarks().clock());
        poller = new DmaapPoller(vertx, liveness, s, d.caFile());
        metrics.bindPoller(poller);
        poller.start();
        DmaapDetectionBound bound = DmaapDetectionBound.of(d, c.monitors());
        if (bound.exceedsShortestLimit()) log.warn(bound.describe(poller.pollUrl()));
        else log.info(bound.describe(poller.pollUrl()));
    }

    /**
     * Kafka ingest runs on the active instance only (like DMaaP polling): a standby in the same consumer group would
     * take partitions whose heartbeats it cannot detect on. On a takeover the new active joins the group and goes on
     * from the last offsets committed behind a checkpoint.
     */
    private void startKafka(VigilConfig c) {
        if (c.ingest().kafka() != null && kafkaIngest == null) {
            kafkaIngest = KafkaWiring.startIngest(c.ingest().kafka(), liveness, metrics, c.ha().instanceId());
        }
    }

    private void stopKafka() {
        closeQuietly(kafkaIngest);
        kafkaIngest = null;
    }

    private void stopDmaap() {
        if (poller != null) {
            metrics.unbindPoller(poller);
            poller.close();
            poller = null;
        }
    }

    // ------------------------------------------------------------------ reload

    /**
     * Fetches the configuration again (the remote URL if set, else the config file), validates it and applies it.
     * An invalid configuration is rejected with its errors and the running one stays. Serialised.
     */
    /** Re-reads the HTTP server's TLS certificate files (SIGHUP); false when there is no TLS or they are broken. */
    public boolean reloadCertificates() {
        return http != null && http.reloadCertificates();
    }

    public synchronized ReloadOutcome reload() {
        // RECONFIGURATION for the whole download-and-apply, as ONAP's service reports it
        ServiceState was = state;
        state = ServiceState.RECONFIGURATION;
        try {
            return reloadNow();
        } finally {
            state = was == ServiceState.RECONFIGURATION ? ServiceState.RUNNING : was;
        }
    }

    private ReloadOutcome reloadNow() {
        VigilConfig next;
        try {
            if (config.remote().enabled()) {
                next = remoteConfig.fetch(config.remote().url());
                // where and how often to poll is this instance's setting, not the fetched document's
                next = next.withRemote(config.remote());
            } else if (options.configFile() != null) {
                next = ConfigLoader.load(options.configFile());
            } else {
                return new ReloadOutcome.NothingToReload("nothing to reload from: started without --config and without a remote config URL");
            }
        } catch (ConfigException e) {
            log.error("reload rejected, the running configuration stays: {}", e.getMessage());
            return new ReloadOutcome.Invalid(e);
        } catch (Exception e) {
            log.error("reload failed, the running configuration stays: {}", e.getMessage());
            return new ReloadOutcome.Failed(e.getMessage());
        }
        ConfigException cycle = dependencyCycleWithStored(next);
        if (cycle != null) {
            log.error("reload rejected, the running configuration stays: {}", cycle.getMessage());
            return new ReloadOutcome.Invalid(cycle);
        }
        ReloadOutcome r = apply(next);
        if (r.applied() && sharedConfig != null) sharedConfig.publish(config);
        return r;
    }

    /** The config's dependencies may close a cycle with those added through the API (the config alone was checked at load). */
    private ConfigException dependencyCycleWithStored(VigilConfig next) {
        List<Dependency> all = new ArrayList<>(next.detection().dependencies());
        all.addAll(new DependencyRepository(db).all());
        return DependencyCycles.find(all).map(c -> new ConfigException(String.valueOf(options.configFile()),
                List.of(new ConfigError("dependencies", "form a cycle with the dependencies added through the API: "
                        + DependencyCycles.describe(c) + "; remove one of these rules")))).orElse(null);
    }

    private ReloadOutcome apply(VigilConfig next) {
        VigilConfig before = config;
        ConfigDiff diff = ConfigDiff.between(before, next);
        ServiceState was = state;
        state = ServiceState.RECONFIGURATION;
        try {
            var removed = liveness.configure(next.monitors());
            liveness.forget(removed);
            liveness.setLimits(next.limits());
            monitorRepo.replaceAll(next.monitors());
            synchronized (roleLock) { // relays and DMaaP polling run only while this instance is the active one
                if (!before.publish().equals(next.publish()) && emitting) {
                    stopRelays();
                    startRelays(next.publish());
                }
                if (!java.util.Objects.equals(before.ingest().dmaap(), next.ingest().dmaap()) && liveness.isActive()) {
                    stopDmaap();
                    startDmaap(next);
                }
                config = next.withHttp(before.http());
            }
            if (!diff.restartNeeded().isEmpty()) {
                log.warn("these changes need a restart to take effect: {}", diff.restartNeeded());
            }
            log.info("configuration applied: {} added, {} removed, {} changed monitors", diff.added().size(),
                    diff.removed().size(), diff.changed().size());
            return new ReloadOutcome.Applied(diff);
        } finally {
            state = was;
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            log.error("periodic config reload failed; will retry at the next poll", e);
        }
    }

    private void prune() {
        try {
            outbox.prune(clock.millis() - EVENT_RETENTION.toMillis());
        } catch (RuntimeException e) {
            log.warn("outbox pruning failed ({}); retried in 10 minutes", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ accessors for the API

    public VigilConfig config() {
        return config;
    }

    public ServiceState state() {
        return state;
    }

    /** Every durable change event, live (the dashboard's event stream). */
    public io.vigil.liveness.ChangeFeed changes() {
        return changes;
    }

    public LivenessService liveness() {
        return liveness;
    }

    public OutboxRepository outbox() {
        return outbox;
    }

    public LeaseKeeper lease() {
        return lease;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public VigilMetrics metrics() {
        return metrics;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The DMaaP poller while this instance polls; null otherwise. */
    public @Nullable DmaapPoller poller() {
        return poller;
    }

    /** Registers a capability's endpoints and closes the capability with the server. */
    public void addCapability(AutoCloseable capability, ApiRoutes routes) {
        capabilities.add(capability);
        http.mount(routes);
    }

    /**
     * Where the VES listener sends a request's heartbeats now: into the Kafka topic (kafka-partitions), to the
     * active instance (a standby in active-standby HA), or into this instance's engine.
     */
    private HeartbeatRoute heartbeatRoute() {
        // kafka-partitions publishes from before HTTP binds (the router is made first; the topology is complete only
        // once the instance directory knows the bound port): the mode is fixed at start, so decide on it first
        if (partitioned) return publishRoute;
        return switch (topology) {
            case HaTopology.ActiveStandby a -> liveness.isActive() ? detectRoute : forwardRoute;
            case HaTopology.Single s -> detectRoute;
            case HaTopology.KafkaPartitions k -> publishRoute;
        };
    }

    public Database database() {
        return db;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            log.warn("closing {} failed: {}", c, e.toString());
        }
    }

    public List<OutboxRelay> relays() {
        return relays;
    }

    public int port() {
        return http.port();
    }

    public long startedAtMillis() {
        return startedAtMillis;
    }

    /**
     * Ready to take heartbeats: the store works and this instance is ACTIVE, or (with HA) it is a STANDBY that knows
     * the active instance to forward to. A load balancer in front of all instances may send to every ready one.
     */
    public boolean isReady() {
        if (liveness == null || !liveness.isStoreHealthy() || lease == null) return false;
        if (partitioned) return true; // active-active: every instance takes heartbeats (into the Kafka topic) from the start
        return switch (topology) {
            case HaTopology.KafkaPartitions k -> true; // active-active: every instance takes heartbeats (into the Kafka topic)
            case HaTopology.Single s -> lease.isHolding();
            case HaTopology.ActiveStandby a -> lease.isHolding() || (!liveness.isActive() && a.peers().activeUrl().isPresent()
                    && lease.lastKnown().map(l -> !lease.owner().equals(l.owner())).orElse(false));
        };
    }

    /** The HA mode this instance runs, with the parts of that mode (never null; {@link HaTopology.Single} without HA). */
    public HaTopology ha() {
        return topology;
    }

    public static String version() {
        String v = VigilServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    // ------------------------------------------------------------------ shutdown

    @Override
    public void close() {
        log.info("Vigil is stopping");
        stopWarmUp(); // first: a warm-up ends at its next step, while the rest stops
        if (demo != null) demo.close();
        closeQuietly(peerEndpoints);
        if (httpWatermark != null) httpWatermark.close();
        if (http != null) http.close();
        stopDmaap();
        stopKafka(); // in kafka-partitions mode this hands the partitions over (checkpointed) as the group rebalances
        closeQuietly(partitions);
        closeQuietly(router);
        capabilities.forEach(VigilServer::closeQuietly);
        background.shutdownNow();
        if (liveness != null) liveness.close();
        synchronized (roleLock) {
            emitting = false;
            if (!relays.isEmpty()) stopRelays();
        }
        if (forwarder != null) forwarder.close();
        if (peers != null) peers.withdraw();
        if (lease != null) lease.close();
        if (db != null) db.close();
        awaitWarmUp();
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        delivery.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        log.info("Vigil stopped");
    }

    private static java.time.Duration min(java.time.Duration a, java.time.Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

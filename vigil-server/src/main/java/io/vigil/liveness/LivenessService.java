package io.vigil.liveness;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineListener;
import io.vigil.engine.EngineRunner;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.engine.SourceView;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.IngestLimits;
import io.vigil.ingest.SourceAdmission;
import io.vigil.ingest.Watermarks;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.onap.ControlLoopEvents;
import io.vigil.store.deadletter.DeadLetterKind;
import io.vigil.store.deadletter.StoreErrors;
import io.vigil.store.deadletter.StoreLimits;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.partition.PartitionFence;
import io.vigil.store.partition.StalePartitionException;
import io.vigil.store.source.SourceRepository;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine plus its durability: the one {@link HeartbeatReceiver} every ingest path feeds.
 *
 * <p>A single journal thread owns all writes to the store, in this order:
 * <ol>
 *   <li>change events from the engine: the source's new state and (for ONSET/ABATED) the outbox row, in one
 *       transaction carrying this instance's lease epoch (a stale epoch is refused: fencing); what waits is written
 *       together, from 1,000 events per transaction growing to 10,000 while a storm keeps the queue full
 *       ({@link AlarmBatchSize});</li>
 *   <li>every {@code checkpointInterval}: the sources whose lastSeen moved by half their monitor's threshold since
 *       it was last written (write-behind, {@link Engine#drainCheckpoint}: the cost follows what changed, not the
 *       number of sources); at a stop or a partition hand-over every source whose lastSeen moved at all.</li>
 * </ol>
 * Because the same thread does both, and the engine sets a source's state before it emits the event, a checkpoint
 * can never overwrite a newer state with an older one.
 *
 * <p><b>Two queues, alarms first.</b> ONSET and ABATED (published or held) go to the alarm queue; first-seen
 * bookkeeping (a new source's first heartbeat, the start and end of flapping) to a separate, lower-priority queue
 * that the journal writes only when no alarm waits. So a flood of new sources can never delay an ONSET behind it
 * (issue 19.2: 1.4 M first-seen events once held a canary's ONSET for 133 s). A bookkeeping event that an alarm of
 * the same source overtook is not written (the alarm carries the newer state).
 * <ul>
 *   <li>The alarm queue holds at most {@link #alarmQueueBound} events: {@code limits.maxSources} (every tracked
 *       source silent at once, so such a storm is decided in full without waiting for the store), at least
 *       {@value #MIN_QUEUED_ALARMS}, at most what fits in {@value #ALARM_QUEUE_HEAP_PERCENT} % of the heap at
 *       {@value #QUEUED_ALARM_BYTES} bytes per queued event. When it is full (the store has been down
 *       through a storm) the detector thread waits for the journal: heartbeats are still taken, decisions come
 *       later, nothing is dropped.</li>
 *   <li>The bookkeeping queue holds at most {@value #MAX_QUEUED_BOOKKEEPING} events. When it is full a new one is
 *       dropped and counted ({@link #droppedBookkeeping()}): its source's state still reaches the store with the next
 *       checkpoint (the source is dirty), only its change-event count and log line are lost.</li>
 * </ul>
 *
 * <p>When the store is down, events stay queued in memory, in order, and are retried (detection goes on from
 * memory); nothing is published before it is in the outbox. After a successful outbox write the
 * {@code onOutboxWritten} hook wakes the relays.
 *
 * <p><b>HA role.</b> The service starts idle (STANDBY: no detection, nothing written). {@link #activate} loads the
 * stored state into a fresh engine and starts detection under an epoch; {@link #deactivate} stops it and forgets
 * the in-memory state. Every write (transitions, outbox rows, checkpoints) is one fenced transaction that carries
 * the epoch, and happens only while {@code mayWrite.test(epoch)} holds (the lease keeper's self-fencing window);
 * otherwise decided events wait in memory, in order, for the role to be resumed or dropped.
 *
 * <p><b>Partition mode</b> (active-active over Kafka, after {@link #usePartitions}): this instance detects only the
 * sources whose sourceName maps to a Kafka partition it owns ({@link PartitionFence}). {@link #accept} answers
 * {@link Acceptance#NOT_OWNER} for the others; {@link #activatePartitions} loads the owned partitions' sources from
 * the store into a fresh engine (with the grace period); {@link #releasePartitions} stops detection, writes what was
 * decided and checkpoints every source, then forgets them. Writes carry each source's partition epoch instead of the
 * lease epoch; a partition the store says was assigned elsewhere is dropped from the fence and its events with it
 * (the new owner re-decides them from the store).
 */
public final class LivenessService implements HeartbeatReceiver, AutoCloseable {
    /** Silent for a scratch service ({@link #scratch}): its lines would read like the real service's. */
    private final Logger log;
    /** Bookkeeping events per transaction, and source rows per checkpoint transaction. */
    private static final int MAX_EVENTS_PER_TX = 1000;
    /** The alarm queue's bound when {@code limits.maxSources} or the heap allow fewer (the bound before issue 14). */
    static final int MIN_QUEUED_ALARMS = 250_000;
    /**
     * Heap held by one queued ONSET: the event, its id, outage id and reason strings, the queue node (the source key
     * is the engine's). Measured with the launcher's G1 (compressed pointers): 334 bytes; 392 under ZGC (none), which
     * an operator may choose with {@code VIGIL_JAVA_OPTS}.
     */
    static final int QUEUED_ALARM_BYTES = 400;
    static final int ALARM_QUEUE_HEAP_PERCENT = 40;
    static final int MAX_QUEUED_BOOKKEEPING = 100_000;

    private final Object lifecycle = new Object();
    private final java.util.function.LongPredicate mayWrite;
    private final long graceMillis;
    private volatile Collection<Monitor> monitors = List.of();
    private volatile Engine engine;
    private volatile boolean active;
    /** A throwaway service of {@link AlarmPathWarmUp}: it logs nothing, its journal thread is named apart. */
    private final boolean scratch;
    /** Incremented by {@link #deactivate}: the journal drops what it holds from an older generation. */
    private volatile long generation;
    private long journalGeneration;
    private final StateWriter stateWriter;
    private final SourceRepository sources;
    private final long checkpointMillis;
    private final Clock clock;
    /** The ingest watermarks; they outlive engines (the HA role replaces the engine, not the ingest). */
    private final Watermarks watermarks;
    private final IngestWatch ingestWatch;
    private final StandbyHeartbeats standbyHeartbeats = new StandbyHeartbeats();
    private final Runnable onOutboxWritten;
    private final Consumer<ChangeEvent> onEvent;
    /** Shared by every engine of this service, so a role change does not reset the rate of new sources. */
    private final SourceAdmission admission = new SourceAdmission(IngestLimits.DEFAULTS);
    /** ONSET and ABATED: written first. */
    private final LinkedBlockingQueue<ChangeEvent> alarms = new LinkedBlockingQueue<>();
    /** The alarm queue's bound ({@link #alarmQueueBound}); {@link #enqueue} waits above it. */
    private volatile int alarmBound = alarmQueueBound(IngestLimits.DEFAULTS.maxSources(), Runtime.getRuntime().maxMemory());
    /** First-seen and flapping events: written when no alarm waits. */
    private final LinkedBlockingQueue<ChangeEvent> bookkeeping = new LinkedBlockingQueue<>(MAX_QUEUED_BOOKKEEPING);
    private final java.util.concurrent.atomic.LongAdder droppedBookkeeping = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder checkpointedSources = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder checkpointNanos = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.AtomicLong alarmQueueFullWarnedAt = new java.util.concurrent.atomic.AtomicLong();
    /** What the journal writes next: alarms only, or bookkeeping only ({@link #pendingIsBookkeeping}). */
    private final List<ChangeEvent> pending = new ArrayList<>();
    private boolean pendingIsBookkeeping;
    /** Alarms per transaction: small when few wait, up to 10,000 in a storm (journal thread only). */
    private final AlarmBatchSize alarmBatch = new AlarmBatchSize();
    /** Per eventName: its monitor's payload template (the closed-loop fields rendered once). */
    private final Map<String, ControlLoopEvents.Template> payloads = new ConcurrentHashMap<>();
    private static final ControlLoopEvents.Template NO_CLOSED_LOOP = new ControlLoopEvents.Template(ClosedLoop.NONE);
    private final java.util.concurrent.ConcurrentLinkedQueue<Set<String>> forgets = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Object waitersLock = new Object();
    private List<CompletableFuture<Void>> durableWaiters = new ArrayList<>();
    private final Thread journal;
    private EngineRunner runner;
    private volatile long epoch;
    /** An epoch the store refused; nothing is written under it again (the role logic decides what follows). */
    private volatile long refusedEpoch = -1;
    private volatile boolean running = true;
    private volatile boolean storeHealthy = true;
    private volatile long lastCheckpointMillis;
    /** How writes are fenced: by the lease epoch (default), or by the owned partitions and their epochs. */
    private final java.util.concurrent.atomic.AtomicReference<WriteFence> fence = new java.util.concurrent.atomic.AtomicReference<>(WriteFence.LEASE_EPOCH);
    /** Partition mode: checkpoint as soon as everything decided is written, then complete {@link #flushWaiters}. */
    private volatile boolean flushRequested;
    private List<CompletableFuture<Void>> flushWaiters = new ArrayList<>();
    private final java.util.concurrent.atomic.LongAdder droppedNotOwned = new java.util.concurrent.atomic.LongAdder();
    /** How long {@link #releasePartitions} waits for the store before it drops what is unwritten. */
    private static final long RELEASE_FLUSH_MILLIS = 10_000;

    /**
     * @param mayWrite whether a write under the given epoch may be attempted now (the HA self-fencing window)
     * @param onEvent  called on the journal thread for every change event once it is durable (metrics, logs)
     */
    public LivenessService(Clock clock, StateWriter stateWriter, SourceRepository sources, Duration checkpointInterval,
                           Duration grace, java.util.function.LongPredicate mayWrite, Runnable onOutboxWritten,
                           Consumer<ChangeEvent> onEvent) {
        this(clock, stateWriter, sources, checkpointInterval, grace, mayWrite, onOutboxWritten, onEvent, false);
    }

    /**
     * A service on a scratch store for {@link AlarmPathWarmUp}: the same code, no log lines, its own thread name.
     *
     * @param onEvent as for the server's own service, made of the same classes (see {@link AlarmPathWarmUp.Instruments})
     */
    static LivenessService scratch(Clock clock, StateWriter stateWriter, SourceRepository sources, Runnable onOutboxWritten,
                                   Consumer<ChangeEvent> onEvent) {
        return new LivenessService(clock, stateWriter, sources, Duration.ofSeconds(1), Duration.ZERO, e -> true,
                onOutboxWritten, onEvent, true);
    }

    private LivenessService(Clock clock, StateWriter stateWriter, SourceRepository sources, Duration checkpointInterval,
                            Duration grace, java.util.function.LongPredicate mayWrite, Runnable onOutboxWritten,
                            Consumer<ChangeEvent> onEvent, boolean scratch) {
        this.scratch = scratch;
        this.log = scratch ? org.slf4j.helpers.NOPLogger.NOP_LOGGER : LoggerFactory.getLogger(LivenessService.class);
        this.clock = clock;
        this.watermarks = new Watermarks(clock);
        this.stateWriter = stateWriter;
        this.sources = sources;
        this.checkpointMillis = checkpointInterval.toMillis();
        this.mayWrite = mayWrite;
        this.epoch = -1;
        this.onOutboxWritten = onOutboxWritten;
        this.onEvent = onEvent;
        this.graceMillis = grace == null ? -1 : grace.toMillis();
        this.engine = newEngine();
        this.ingestWatch = new IngestWatch(watermarks, () -> engine).start();
        this.journal = Thread.ofPlatform().name(scratch ? "vigil-warm-up-journal" : "vigil-journal").daemon(true)
                .unstarted(this::journalLoop);
        this.lastCheckpointMillis = clock.millis();
        journal.start();
    }

    private Engine newEngine() {
        EngineListener toJournal = this::enqueue;
        Engine e = new Engine(clock, toJournal, graceMillis, watermarks);
        e.configure(monitors);
        e.admitSourcesBy(admission);
        e.trackCheckpoints();
        return e;
    }

    /** On the detector thread: an alarm waits for room (backpressure), bookkeeping is dropped when full. */
    private void enqueue(ChangeEvent e) {
        if (!e.isOutageChange()) {
            if (!bookkeeping.offer(e)) droppedBookkeeping.increment();
            return;
        }
        // the size check and the add are not atomic: with several producers the queue may pass its bound by one
        // event per producer, which the bound's margin covers
        if (alarms.size() < alarmBound) {
            alarms.add(e);
            return;
        }
        long now = System.currentTimeMillis();
        long last = alarmQueueFullWarnedAt.get();
        if (now - last >= 60_000 && alarmQueueFullWarnedAt.compareAndSet(last, now)) {
            log.warn("{} ONSET/ABATED events wait for the store: detection pauses until the journal writes some "
                    + "(heartbeats are still taken, nothing is dropped). Check the database", alarms.size());
        }
        while (alarms.size() >= alarmBound) {
            if (!running || !active) return; // shutting down or demoted: the store's state is re-decided anyway
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // backpressure: the journal frees room
            if (Thread.currentThread().isInterrupted()) return;
        }
        alarms.add(e);
    }

    /**
     * How many ONSET/ABATED events may wait for the journal: {@code maxSources}, so that every tracked source going
     * silent at once is decided without waiting for the store (issue 14: 1M sources decided within 1 s, while the
     * journal writes tens of thousands per second); at least {@value #MIN_QUEUED_ALARMS}; at most what fits in
     * {@value #ALARM_QUEUE_HEAP_PERCENT} % of {@code maxHeapBytes}.
     */
    static int alarmQueueBound(long maxSources, long maxHeapBytes) {
        long byHeap = maxHeapBytes / 100 * ALARM_QUEUE_HEAP_PERCENT / QUEUED_ALARM_BYTES;
        return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_QUEUED_ALARMS, Math.min(maxSources, byHeap)));
    }

    /** The alarm queue's current bound. */
    int alarmQueueBound() {
        return alarmBound;
    }

    /** Source rows written by checkpoints since start. */
    public long checkpointedSources() {
        return checkpointedSources.sum();
    }

    /** Time spent in checkpoints since start, in nanoseconds. */
    public long checkpointNanos() {
        return checkpointNanos.sum();
    }

    /** First-seen and flapping events dropped because their queue was full (their sources' state is checkpointed). */
    public long droppedBookkeeping() {
        return droppedBookkeeping.sum();
    }

    /** Applies {@code limits.*} to every channel from now on (at start and at each reload). */
    public void setLimits(IngestLimits limits) {
        admission.setLimits(limits);
        alarmBound = alarmQueueBound(limits.maxSources(), Runtime.getRuntime().maxMemory());
    }

    @Override
    public IngestLimits limits() {
        return admission.limits();
    }

    /** Who admits new sources; its refusal counters are exported as metrics. */
    public SourceAdmission admission() {
        return admission;
    }

    /** The engine of the current role; replaced by {@link #activate} and {@link #deactivate}. */
    public Engine engine() {
        return engine;
    }

    /** Applies a monitor set; returns the removed eventNames (their store rows are dropped by the journal later). */
    public Set<String> configure(Collection<Monitor> monitors) {
        synchronized (lifecycle) {
            for (Monitor m : monitors) {
                ControlLoopEvents.Template t = payloads.get(m.eventName());
                if (t == null || !t.closedLoop().equals(m.closedLoop())) payloads.put(m.eventName(), new ControlLoopEvents.Template(m.closedLoop()));
            }
            this.monitors = List.copyOf(monitors);
            return engine.configure(monitors);
        }
    }

    /**
     * Becomes the detector under {@code epoch}: a fresh engine is loaded from the store (restored sources get the
     * grace period, open outages stay open), then the heartbeats this instance kept while standby are applied (each
     * source starts from the newest of the store and them: no gap at a takeover), and detection starts. Any previous
     * role state is dropped first.
     */
    public void activate(long epoch) {
        synchronized (lifecycle) {
            if (active) deactivate();
            Engine e = newEngine();
            List<SourceSnapshot> stored = sources.loadAll();
            e.restore(stored);
            List<StandbyHeartbeats.Kept> kept = standbyHeartbeats.drain();
            for (StandbyHeartbeats.Kept k : kept) e.acceptAt(k.heartbeat(), Channel.HTTP, k.arrivedAtMillis());
            if (!kept.isEmpty()) log.info("{} sources' last heartbeats kept while standby were merged with the store", kept.size());
            e.tick();
            this.epoch = epoch;
            this.refusedEpoch = -1;
            this.engine = e;
            statesToApply = true; // a predecessor's alarm rows may carry states the table has not caught up with
            lastCheckpointMillis = clock.millis();
            runner = new EngineRunner(e).start();
            active = true;
            log.info("liveness engine started under epoch {}: {} sources restored, {} monitors", epoch, stored.size(),
                    e.monitors().size());
        }
    }

    /**
     * Stops detection and forgets the in-memory state, including decided events not yet written: another instance
     * is active and re-decides them from the store.
     */
    public void deactivate() {
        synchronized (lifecycle) {
            if (runner != null) runner.close();
            runner = null;
            active = false;
            generation++;
            alarms.clear();
            bookkeeping.clear();
            engine = newEngine();
        }
    }

    /** Continue under {@code epoch} with the in-memory state (nobody else was active since the previous epoch). */
    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    public long epoch() {
        return epoch;
    }

    // ------------------------------------------------------------ partition mode

    /**
     * Switches to partition mode for {@code topic} before ingest starts: until {@link #activatePartitions}, this
     * instance owns no source (every heartbeat is {@link Acceptance#NOT_OWNER}).
     */
    public void usePartitions(String topic) {
        fence.set(new WriteFence.Partitions(new PartitionFence(topic, Map.of(), name -> 0)));
    }

    /**
     * Becomes the detector for the sources of {@code owned}: a fresh engine is loaded with the stored sources whose
     * partition is owned (they get the grace period; open outages stay open), then detection starts. Call
     * {@link #releasePartitions} first when partitions were owned before.
     */
    public void activatePartitions(PartitionFence owned) {
        synchronized (lifecycle) {
            if (active) deactivate();
            Engine e = newEngine();
            List<SourceSnapshot> stored = new ArrayList<>();
            for (SourceSnapshot snap : sources.loadAll()) if (owned.owns(snap.key().sourceName())) stored.add(snap);
            e.restore(stored);
            e.tick();
            this.refusedEpoch = -1;
            this.engine = e;
            statesToApply = true; // a predecessor's alarm rows may carry states the table has not caught up with
            lastCheckpointMillis = clock.millis();
            fence.set(new WriteFence.Partitions(owned));
            runner = new EngineRunner(e).start();
            active = true;
            log.info("liveness engine started for partitions {} of {} (epochs {}): {} sources restored", owned.partitions(),
                    owned.topic(), owned.epochs(), stored.size());
        }
    }

    /**
     * Stops detecting the owned sources: detection stops, decided events are written and every source checkpointed
     * under the partitions' epochs (waiting at most 10 s for the store; what is not written by then is dropped, and
     * the next owner re-decides it from the store), then the in-memory state is forgotten. Returns once nothing more
     * can be written for those partitions by this instance, so the next owner may take them.
     */
    public void releasePartitions() {
        if (!(fence.get() instanceof WriteFence.Partitions(PartitionFence owned))) return;
        EngineRunner r;
        synchronized (lifecycle) {
            r = runner;
            runner = null;
        }
        if (r != null) r.close();
        if (active && !owned.partitions().isEmpty()) {
            CompletableFuture<Void> flushed = new CompletableFuture<>();
            synchronized (waitersLock) {
                flushWaiters.add(flushed);
            }
            flushRequested = true;
            try {
                flushed.get(RELEASE_FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                log.warn("partitions {} released without their last writes ({} change events pending): the store did not "
                        + "take them within {} ms; the next owner re-decides from the stored state", owned.partitions(),
                        pendingEvents(), RELEASE_FLUSH_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (lifecycle) {
            fence.set(new WriteFence.Partitions(new PartitionFence(owned.topic(), Map.of(), owned.partitionOf())));
            deactivate();
        }
    }

    /** Change events dropped because their source's partition was no longer owned (partition mode). */
    public long droppedNotOwned() {
        return droppedNotOwned.sum();
    }

    /** True while this service detects (ACTIVE, or an active instance that is suspended and keeps its memory). */
    public boolean isActive() {
        return active;
    }

    private boolean writable() {
        return switch (fence.get()) {
            case WriteFence.Partitions p -> active && !p.owned().partitions().isEmpty();
            case WriteFence.LeaseEpoch l -> {
                long e = epoch;
                yield e >= 0 && e != refusedEpoch && mayWrite.test(e);
            }
        };
    }

    public boolean isStoreHealthy() {
        return storeHealthy;
    }

    /** ONSET and ABATED events decided and waiting in the alarm queue for the journal (any thread). */
    public int queuedAlarms() {
        return alarms.size();
    }

    public int pendingEvents() {
        return alarms.size() + bookkeeping.size() + pending.size();
    }

    private boolean nothingQueued() {
        return alarms.isEmpty() && bookkeeping.isEmpty() && pending.isEmpty();
    }

    // ------------------------------------------------------------ HeartbeatReceiver

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel) {
        if (!owns(heartbeat)) return Acceptance.NOT_OWNER;
        return engine.accept(heartbeat, channel);
    }

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel, long arrivedAtMillis) {
        if (!owns(heartbeat)) return Acceptance.NOT_OWNER;
        return engine.acceptAt(heartbeat, channel, arrivedAtMillis);
    }

    private boolean owns(Heartbeat heartbeat) {
        return !(fence.get() instanceof WriteFence.Partitions(PartitionFence f) && (f.partitions().isEmpty() || !f.owns(heartbeat.sourceName())));
    }

    @Override
    public CompletionStage<Void> durable() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waitersLock) {
            durableWaiters.add(f);
        }
        return f;
    }

    @Override
    public Watermarks watermarks() {
        return watermarks;
    }

    /** What this instance keeps of heartbeats while it is not active (merged at {@link #activate}). */
    public StandbyHeartbeats standbyHeartbeats() {
        return standbyHeartbeats;
    }

    /** Per ingest channel: watermark, lag, blindness, held sources. */
    public IngestWatch ingestWatch() {
        return ingestWatch;
    }

    // ------------------------------------------------------------ journal thread

    /** Pause of the journal thread after n failed store writes in a row. */
    private static final io.vigil.backoff.BackoffPolicy STORE_RETRY =
            io.vigil.backoff.BackoffPolicy.doubling(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(5));

    private void journalLoop() {
        int failures = 0;
        while (running || !nothingQueued()) {
            try {
                if (journalGeneration != generation) {
                    journalGeneration = generation;
                    pending.clear();
                }
                if (!writable()) {
                    // not allowed to write now: keep what was decided, in order, until the role is settled
                    if (!running) return;
                    sleepQuietly(20);
                    continue;
                }
                long untilCheckpoint = lastCheckpointMillis + checkpointMillis - clock.millis();
                if (pending.isEmpty()) takeNext(Math.max(1, Math.min(untilCheckpoint, 50)));
                if (!pending.isEmpty()) writeEvents();
                applyStates(false);
                if (nothingQueued()) forgetRemoved();
                boolean waiters;
                synchronized (waitersLock) {
                    waiters = !durableWaiters.isEmpty();
                }
                boolean flush = flushRequested && nothingQueued();
                if (checkpointDue() || (waiters && !running) || flush) checkpoint(flush);
                storeHealthy = true;
                failures = 0;
            } catch (StalePartitionException e) {
                // only a partition whose fence was narrowed concurrently gets here; the next round filters it out
                log.warn("{}", e.getMessage());
            } catch (StaleEpochException e) {
                // keep the events: if nobody else was active in between the role resumes under a new epoch and
                // writes them; otherwise deactivate() drops them and the new active re-decides from the store
                log.error("the store refused epoch {} (current {}): this instance stops writing until its HA role is settled",
                        e.offeredEpoch(), e.currentEpoch());
                refusedEpoch = e.offeredEpoch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                if (storeHealthy) {
                    log.error("store write failed; {} change events are kept in memory and retried. Check the database: {}",
                            pendingEvents(), e.getMessage());
                }
                storeHealthy = false;
                if (!running) return; // shutting down with the store gone: nothing more we can do
                sleepQuietly(STORE_RETRY.delayAfter(++failures).toMillis());
            }
        }
    }

    /**
     * Whether the periodic checkpoint runs now: its interval has passed, and no first-seen event waits, or the
     * checkpoint has already waited {@value #MAX_CHECKPOINT_WAIT_FOR_BOOKKEEPING_MS} ms for them. A first-seen event
     * writes its new source's row ({@link Engine#written}), so a checkpoint that ran first would write 100k new
     * sources' rows and their 100k events would write them again (a 100k-source fleet's arrival cost ≈ 14 s of the
     * journal, 37 % of it the second write; docs/benchmarks.md § 5). Alarms still go first.
     */
    private boolean checkpointDue() {
        long since = clock.millis() - lastCheckpointMillis;
        if (since < checkpointMillis) return false;
        return bookkeeping.isEmpty() || since >= checkpointMillis + MAX_CHECKPOINT_WAIT_FOR_BOOKKEEPING_MS;
    }

    /** How long a due checkpoint waits for queued first-seen events to be written (it adds to the crash bound). */
    static final long MAX_CHECKPOINT_WAIT_FOR_BOOKKEEPING_MS = 10_000;

    /**
     * Fills {@link #pending} with the next batch: alarms when any wait, else bookkeeping; waits up to
     * {@code waitMillis} for an alarm when both queues are empty.
     */
    private void takeNext(long waitMillis) throws InterruptedException {
        pendingIsBookkeeping = false;
        if (takeAlarms() > 0) return;
        if (bookkeeping.isEmpty()) {
            ChangeEvent first = alarms.poll(waitMillis, TimeUnit.MILLISECONDS);
            if (first != null) {
                pending.add(first);
                alarms.drainTo(pending, alarmBatch.limit() - 1);
                alarmBatch.taken(pending.size(), alarms.size());
                return;
            }
        }
        pendingIsBookkeeping = bookkeeping.drainTo(pending, MAX_EVENTS_PER_TX) > 0;
    }

    /** Moves the next transaction's alarms to {@link #pending} ({@link AlarmBatchSize}); returns how many. */
    private int takeAlarms() {
        int taken = alarms.drainTo(pending, alarmBatch.limit());
        if (taken > 0) alarmBatch.taken(taken, alarms.size());
        return taken;
    }

    private void writeEvents() {
        dropUnwritable();
        if (pending.isEmpty()) return;
        try {
            settled(commitEvents(pending));
            pending.clear();
        } catch (RuntimeException batchError) {
            if (!StoreErrors.isPermanent(batchError)) throw batchError; // transient: the whole batch is retried in order
            isolate(batchError);
        }
    }

    /**
     * Takes out of {@link #pending}, in one pass and in order: bookkeeping whose source has moved on (an alarm of the
     * same source decided after it was written first, or waits: its state is the newer one), events of sources this
     * instance no longer owns (their partition went elsewhere, or an expected source of another's) and events the
     * store cannot hold (dead-lettered before writing, not retried forever). A loop of its own rather than
     * {@code removeIf}: that JDK method is shared by every caller, and a storm's 10,000-event batches recompiled it
     * for this one's predicates inside the storm.
     */
    private void dropUnwritable() {
        Engine e = engine;
        boolean bookkeeping = pendingIsBookkeeping;
        pendingIsBookkeeping = false;
        PartitionFence owner = fence.get() instanceof WriteFence.Partitions(PartitionFence f) ? f : null;
        int kept = 0;
        for (int i = 0, n = pending.size(); i < n; i++) {
            ChangeEvent ev = pending.get(i);
            if (bookkeeping) {
                SourceView now = e.source(ev.source());
                if (now != null && now.state() != ev.to()) continue;
            }
            if (owner != null && !owner.owns(ev.source().sourceName())) {
                droppedNotOwned.increment();
                continue;
            }
            String problem = StoreLimits.keyProblem(ev.source().eventName(), ev.source().sourceName());
            if (problem != null) {
                deadLetter(ev, problem);
                continue;
            }
            pending.set(kept++, ev);
        }
        if (kept < pending.size()) pending.subList(kept, pending.size()).clear();
    }

    /**
     * The batch was refused for a permanent reason: writes its events one per transaction, in order, dead-lettering
     * the ones refused for good. A transient failure on the way stops there: what was settled leaves {@link #pending},
     * the rest stays for the retry.
     */
    private void isolate(RuntimeException batchError) {
        log.warn("the store refused a batch of {} change events for good ({}); writing them in smaller transactions to dead-letter the bad ones",
                pending.size(), StoreErrors.describe(batchError));
        List<ChangeEvent> written = new ArrayList<>();
        int i = 0;
        try {
            while (i < pending.size()) {
                // a storm's batch holds up to 10,000 events: first in chunks, so that only the chunk with the bad
                // row is written one by one (not 10,000 single transactions)
                int end = Math.min(pending.size(), i + ISOLATION_CHUNK);
                if (pending.size() > ISOLATION_CHUNK) {
                    try {
                        written.addAll(commitEvents(List.copyOf(pending.subList(i, end))));
                        i = end;
                        continue;
                    } catch (RuntimeException chunkError) {
                        if (!StoreErrors.isPermanent(chunkError)) throw chunkError;
                    }
                }
                for (; i < end; i++) {
                    ChangeEvent e = pending.get(i);
                    try {
                        written.addAll(commitEvents(List.of(e)));
                    } catch (RuntimeException one) {
                        if (!StoreErrors.isPermanent(one)) throw one;
                        deadLetter(e, StoreErrors.describe(one));
                    }
                }
            }
        } finally {
            pending.subList(0, i).clear();
            settled(written);
        }
    }

    /** Events per transaction while a batch refused for good is searched for its bad rows. */
    private static final int ISOLATION_CHUNK = 500;

    /**
     * One fenced transaction for {@code events}; returns those written (a narrowed partition fence drops some).
     *
     * <p>Under the lease, an alarm's outbox row carries its source's state ({@link OutboxEntry#sourceState}) and the
     * sources table catches up later ({@link #applyStates}): a storm's ONSET is one row, not two. A source whose last
     * event in the batch is not an alarm (held, first heartbeat) has its state written to the table, after the rows,
     * so it stands over them. Writing for Kafka partitions, every state goes to the table as before.
     */
    private List<ChangeEvent> commitEvents(List<ChangeEvent> events) {
        WriteFence f = fence.get();
        boolean deferStates = f instanceof WriteFence.LeaseEpoch;
        List<SourceSnapshot> states = new ArrayList<>(deferStates ? 0 : events.size());
        List<OutboxEntry> outbox = new ArrayList<>();
        Map<SourceKey, ChangeEvent> lastOfSource = deferStates ? lastEventOfEachSourceIfMixed(events) : Map.of();
        for (ChangeEvent e : events) {
            if (e.isAlarm()) outbox.add(outboxEntry(e, deferStates ? e.snapshotAfter() : null));
            if (!deferStates) states.add(e.snapshotAfter());
            else if (!e.isAlarm()) {
                ChangeEvent last = lastOfSource.get(e.source());
                if (last == null || !last.isAlarm()) states.add(e.snapshotAfter()); // else a later alarm's row carries it
            }
        }
        if (deferStates && !outbox.isEmpty()) {
            deferredStates += outbox.size();
            lastDeferredNanos = System.nanoTime();
            statesToApply = true;
        }
        List<ChangeEvent> written = switch (f) {
            case WriteFence.LeaseEpoch l -> {
                stateWriter.commit(states, outbox, epoch);
                yield events;
            }
            case WriteFence.Partitions p -> {
                WriteFence.Partitions still = commitOwned(p, states, outbox);
                yield still == p ? events : events.stream().filter(e -> still.owned().owns(e.source().sourceName())).toList();
            }
        };
        // committed: the checkpoint need not write these rows again while their lastSeen stays the same
        Engine e = engine;
        for (ChangeEvent w : written) e.written(w.source(), w.lastSeenMillis());
        return written;
    }

    /**
     * The last event of each source in {@code events} when they mix alarms and other events (a held event and an
     * alarm of one source in one batch); empty otherwise (a storm's batch is alarms only).
     */
    private static Map<SourceKey, ChangeEvent> lastEventOfEachSourceIfMixed(List<ChangeEvent> events) {
        boolean alarms = false;
        boolean others = false;
        for (ChangeEvent e : events) {
            if (e.isAlarm()) alarms = true;
            else others = true;
        }
        if (!alarms || !others) return Map.of();
        Map<SourceKey, ChangeEvent> last = new HashMap<>();
        for (ChangeEvent e : events) last.put(e.source(), e);
        return last;
    }

    private OutboxEntry outboxEntry(ChangeEvent e) {
        return outboxEntry(e, null);
    }

    private OutboxEntry outboxEntry(ChangeEvent e, SourceSnapshot state) {
        ControlLoopEvents.Template payload = payloads.getOrDefault(e.source().eventName(), NO_CLOSED_LOOP);
        return new OutboxEntry(e.eventId(), e.source().eventName(), e.source().sourceName(), e.kind().name(),
                payload.toJson(e), e.atMillis(), state);
    }

    // ------------------------------------------------------------------ the sources table catching up

    /** Rows per transaction of {@link #applyStates}: a few tens of milliseconds, so that an alarm never waits long. */
    static final int APPLY_STATES_PER_TX = 5_000;
    /** How long after the last alarm row the table catches up, once the sinks have everything: delivery goes first. */
    static final long APPLY_STATES_AFTER_QUIET_MS = 500;
    /** How long after the last alarm row the table catches up even while a sink is behind (down, or slow). */
    static final long APPLY_STATES_AT_THE_LATEST_MS = 30_000;
    /** Unapplied states past which the table catches up as soon as no alarm waits, quiet or not (bounds a restore's overlay). */
    static final long MAX_UNAPPLIED_STATES = 200_000;

    /** Whether outbox rows may carry states the sources table has not caught up with (at the start: a predecessor's). */
    private volatile boolean statesToApply = true;
    /** Alarm rows written with their states since the table last caught up completely (an estimate). */
    private long deferredStates;
    private long lastDeferredNanos = System.nanoTime(); // a predecessor's rows: caught up once the start is quiet
    private volatile long applyAfterQuietNanos = APPLY_STATES_AFTER_QUIET_MS * 1_000_000;
    private volatile java.util.function.BooleanSupplier deliveryIdle = () -> true;
    private final java.util.concurrent.atomic.LongAdder appliedStates = new java.util.concurrent.atomic.LongAdder();

    /** Tests: how long after the last alarm row the sources table catches up (a stop or hand-over still does). */
    void applyStatesAfterQuiet(Duration quiet) {
        applyAfterQuietNanos = quiet.toNanos();
    }

    /**
     * Whether every sink has acknowledged what it has read of the outbox: the sources table catches up only then
     * (or {@value #APPLY_STATES_AT_THE_LATEST_MS} ms after the last alarm row), so that its writes do not take CPU
     * and the store from a storm's delivery.
     */
    public void setDeliveryIdle(java.util.function.BooleanSupplier idle) {
        deliveryIdle = idle;
    }

    /** Sources whose state the journal moved from outbox rows to the sources table. */
    public long appliedStates() {
        return appliedStates.sum();
    }

    /**
     * One transaction of the sources table catching up with the states alarm rows carry, when no alarm waits, the
     * last alarm row is {@value #APPLY_STATES_AFTER_QUIET_MS} ms old and the sinks have acknowledged what they read
     * (or it is {@value #APPLY_STATES_AT_THE_LATEST_MS} ms old, or {@value #MAX_UNAPPLIED_STATES} states wait);
     * {@code all}: until none is left (a stop or a hand-over, so that the next owner restores from the table alone).
     */
    private void applyStates(boolean all) {
        if (!statesToApply || all && scratch) return; // a scratch store is not restored from: nothing to catch up for
        if (!all) {
            if (!alarms.isEmpty() || !pending.isEmpty()) return;
            long quietNanos = System.nanoTime() - lastDeferredNanos;
            boolean due = quietNanos >= applyAfterQuietNanos
                    && (quietNanos >= APPLY_STATES_AT_THE_LATEST_MS * 1_000_000 || deliveryIdle.getAsBoolean());
            if (!due && deferredStates < MAX_UNAPPLIED_STATES) return;
        }
        long writingEpoch = fence.get() instanceof WriteFence.LeaseEpoch ? epoch : -1;
        do {
            SourceRepository.Applied applied = stateWriter.applyStates(writingEpoch, APPLY_STATES_PER_TX);
            appliedStates.add(applied.sources());
            deferredStates = Math.max(0, deferredStates - APPLY_STATES_PER_TX);
            if (!applied.more()) {
                statesToApply = false;
                deferredStates = 0;
            }
        } while (all && statesToApply);
    }

    /** Written events: metrics and logs, then the relays are woken when an alarm is among them. */
    private void settled(List<ChangeEvent> written) {
        boolean alarm = false;
        for (ChangeEvent e : written) {
            onEvent.accept(e);
            alarm |= e.isAlarm();
        }
        if (alarm) onOutboxWritten.run();
    }

    private void deadLetter(ChangeEvent e, String why) {
        var n = DEAD_LETTER_JSON.objectNode();
        n.put("eventId", e.eventId()).put("kind", e.kind().name()).put("eventName", e.source().eventName())
                .put("sourceName", e.source().sourceName()).put("atMillis", e.atMillis()).put("outageId", e.outageId());
        if (e.isAlarm()) n.put("payload", outboxEntry(e).payload());
        stateWriter.deadLetters().record(DeadLetterKind.CHANGE_EVENT, e.source().eventName() + "/" + e.source().sourceName(),
                n.toString(), why, clock.millis());
    }

    /** Checkpoint rows the store refused for good; each source is dead-lettered once (bounded memory). */
    private final Set<SourceKey> checkpointDeadLettered = new HashSet<>();
    private static final int MAX_REMEMBERED_CHECKPOINT_DEAD_LETTERS = 10_000;
    private static final com.fasterxml.jackson.databind.node.JsonNodeFactory DEAD_LETTER_JSON =
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;

    private void deadLetter(SourceSnapshot s, String why) {
        if (checkpointDeadLettered.size() >= MAX_REMEMBERED_CHECKPOINT_DEAD_LETTERS) checkpointDeadLettered.clear();
        if (!checkpointDeadLettered.add(s.key())) return;
        var n = DEAD_LETTER_JSON.objectNode();
        n.put("eventName", s.key().eventName()).put("sourceName", s.key().sourceName()).put("state", s.state().name())
                .put("lastSeenMillis", s.lastSeenMillis());
        stateWriter.deadLetters().record(DeadLetterKind.CHECKPOINT, s.key().eventName() + "/" + s.key().sourceName(),
                n.toString(), why, clock.millis());
    }

    /** Writes a checkpoint chunk; a chunk refused for good is written row by row and the bad rows dead-lettered. */
    private WriteFence commitCheckpoint(WriteFence f, List<SourceSnapshot> chunk) {
        List<SourceSnapshot> valid = new ArrayList<>(chunk.size());
        for (SourceSnapshot s : chunk) {
            String problem = StoreLimits.keyProblem(s.key().eventName(), s.key().sourceName());
            if (problem == null) valid.add(s);
            else deadLetter(s, problem);
        }
        try {
            return commitSnapshots(f, valid);
        } catch (RuntimeException chunkError) {
            if (!StoreErrors.isPermanent(chunkError)) throw chunkError;
            for (SourceSnapshot s : valid) {
                try {
                    f = commitSnapshots(fence.get(), List.of(s));
                } catch (RuntimeException one) {
                    if (!StoreErrors.isPermanent(one)) throw one;
                    deadLetter(s, StoreErrors.describe(one));
                }
            }
            return f;
        }
    }

    private WriteFence commitSnapshots(WriteFence f, List<SourceSnapshot> rows) {
        if (rows.isEmpty()) return f;
        return switch (f) {
            case WriteFence.LeaseEpoch l -> {
                stateWriter.checkpoint(rows, epoch);
                yield l;
            }
            case WriteFence.Partitions p -> commitOwned(p, rows, List.of(), true);
        };
    }

    /** @param flush everything decided is written: this checkpoint also completes {@link #releasePartitions}' wait */
    private void checkpoint(boolean flush) {
        List<CompletableFuture<Void>> waiters;
        List<CompletableFuture<Void>> flushed = List.of();
        synchronized (waitersLock) {
            waiters = durableWaiters;
            durableWaiters = new ArrayList<>();
            if (flush) {
                flushed = flushWaiters;
                flushWaiters = new ArrayList<>();
            }
        }
        long started = System.nanoTime(); // for the metric only
        try {
            List<SourceSnapshot> dirty = new ArrayList<>();
            // periodic: the sources whose lastSeen moved by half a threshold (cost follows what changed); a stop or a
            // hand-over: every source whose lastSeen moved at all (exact, one pass over all sources)
            if (flush || !running) engine.drainDirty(dirty::add);
            else engine.drainCheckpoint(dirty::add);
            WriteFence f = fence.get();
            // fenced like transitions, in chunks so that no transaction holds the lease row lock for long; change
            // events decided meanwhile are written between chunks, so a large checkpoint (100k sources take seconds)
            // never delays an ONSET. A source written by such an event is left out of the later chunks: their
            // snapshot is older than the event's state and must not overwrite it.
            Set<SourceKey> writtenMeanwhile = new HashSet<>();
            for (int from = 0; from < dirty.size(); from += MAX_EVENTS_PER_TX) {
                List<SourceSnapshot> chunk = dirty.subList(from, Math.min(dirty.size(), from + MAX_EVENTS_PER_TX));
                if (!writtenMeanwhile.isEmpty()) chunk = chunk.stream().filter(x -> !writtenMeanwhile.contains(x.key())).toList();
                f = commitCheckpoint(f, chunk);
                if (pending.isEmpty()) {
                    pendingIsBookkeeping = false;
                    takeAlarms(); // the checkpoint covers the bookkeeping's sources
                }
                if (!pending.isEmpty()) {
                    for (ChangeEvent e : pending) writtenMeanwhile.add(e.source());
                    writeEvents();
                }
                f = fence.get();
            }
            if (flush || !running) applyStates(true); // the next owner (or start) restores from the table alone
            lastCheckpointMillis = clock.millis();
            checkpointedSources.add(dirty.size());
            checkpointNanos.add(System.nanoTime() - started);
        } catch (RuntimeException e) {
            synchronized (waitersLock) {
                waiters.addAll(durableWaiters);
                durableWaiters = waiters;
                if (flush) {
                    flushed.addAll(flushWaiters);
                    flushWaiters = flushed;
                }
            }
            throw e;
        }
        waiters.forEach(w -> w.complete(null));
        if (flush) {
            flushRequested = false;
            flushed.forEach(w -> w.complete(null));
        }
    }

    /**
     * Commits for the owned sources. A partition the store says was assigned elsewhere since is dropped from the
     * fence (nothing more is written for it) and the rest is committed again; returns the fence that was used last.
     */
    private WriteFence.Partitions commitOwned(WriteFence.Partitions f, List<SourceSnapshot> states, List<OutboxEntry> outbox) {
        return commitOwned(f, states, outbox, false);
    }

    /** @param checkpoint {@code states} are a checkpoint's snapshots: only their last-seen times are written */
    private WriteFence.Partitions commitOwned(WriteFence.Partitions f, List<SourceSnapshot> states, List<OutboxEntry> outbox,
                                             boolean checkpoint) {
        while (true) {
            try {
                if (checkpoint) stateWriter.checkpointOwned(f.owned(), states);
                else stateWriter.commitOwned(f.owned(), states, outbox);
                return f;
            } catch (StalePartitionException e) {
                WriteFence.Partitions narrowed = new WriteFence.Partitions(f.owned().without(e.partitions()));
                fence.compareAndSet(f, narrowed);
                log.warn("the store refused writes for partitions {} of {}: another instance owns them now; this instance "
                        + "stops emitting for their sources", e.partitions(), e.topic());
                f = narrowed;
                PartitionFence keep = f.owned();
                states = states.stream().filter(s -> keep.owns(s.key().sourceName())).toList();
                outbox = outbox.stream().filter(o -> keep.owns(o.sourceName())).toList();
                if (states.isEmpty() && outbox.isEmpty()) return f;
            }
        }
    }

    /**
     * Drops the stored sources of removed eventNames once the engine has closed their alarms and those ABATED events
     * are written (so the rows do not come back).
     */
    public void forget(Set<String> eventNames) {
        if (eventNames.isEmpty()) return;
        engine.barrier().thenRun(() -> forgets.add(Set.copyOf(eventNames)));
    }

    private void forgetRemoved() {
        Set<String> names;
        while ((names = forgets.peek()) != null) {
            for (String name : names) sources.deleteEventName(name);
            forgets.poll();
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms); // store retry backoff on the journal thread, not a test wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops detection, writes what is queued and a last checkpoint. */
    @Override
    public void close() {
        ingestWatch.close();
        if (runner != null) runner.close();
        if (active) engine.tick();
        running = false;
        try {
            journal.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            // a scratch store is thrown away: no final checkpoint, no catching up of its 100,000s of alarm rows' states
            // (seconds of its H2's work, which would take the machine from a real storm the warm-up gave way to)
            if (writable() && !scratch) checkpoint(false);
        } catch (RuntimeException e) {
            log.warn("final checkpoint failed ({}); up to {} ms of lastSeen updates are lost, which only shortens the grace after restart",
                    e.getMessage(), checkpointMillis);
        }
    }
}

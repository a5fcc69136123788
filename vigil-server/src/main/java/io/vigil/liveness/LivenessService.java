package io.vigil.liveness;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineListener;
import io.vigil.engine.EngineRunner;
import io.vigil.engine.SourceSnapshot;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.onap.ControlLoopEvents;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
 *       transaction carrying this instance's lease epoch (a stale epoch is refused: fencing);</li>
 *   <li>every {@code checkpointInterval}: the sources whose lastSeen moved (write-behind, one batch).</li>
 * </ol>
 * Because the same thread does both, and the engine sets a source's state before it emits the event, a checkpoint
 * can never overwrite a newer state with an older one.
 *
 * <p>When the store is down, events stay queued in memory, in order, and are retried (detection goes on from
 * memory); nothing is published before it is in the outbox. After a successful outbox write the
 * {@code onOutboxWritten} hook wakes the relays.
 */
public final class LivenessService implements HeartbeatReceiver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LivenessService.class);
    private static final int MAX_EVENTS_PER_TX = 1000;

    private final Engine engine;
    private final StateWriter stateWriter;
    private final SourceRepository sources;
    private final long checkpointMillis;
    private final Clock clock;
    private final Runnable onOutboxWritten;
    private final Consumer<ChangeEvent> onEvent;
    private final LinkedBlockingQueue<ChangeEvent> queue = new LinkedBlockingQueue<>();
    private final List<ChangeEvent> pending = new ArrayList<>();
    private final Map<String, ClosedLoop> closedLoops = new ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentLinkedQueue<Set<String>> forgets = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final Object waitersLock = new Object();
    private List<CompletableFuture<Void>> durableWaiters = new ArrayList<>();
    private final Thread journal;
    private EngineRunner runner;
    private volatile long epoch;
    private volatile boolean fenced;
    private volatile boolean running = true;
    private volatile boolean storeHealthy = true;
    private volatile long lastCheckpointMillis;

    /**
     * @param onEvent called on the journal thread for every change event once it is durable (metrics, logs)
     */
    public LivenessService(Clock clock, StateWriter stateWriter, SourceRepository sources, Duration checkpointInterval,
                           Duration grace, long epoch, Runnable onOutboxWritten, Consumer<ChangeEvent> onEvent) {
        this.clock = clock;
        this.stateWriter = stateWriter;
        this.sources = sources;
        this.checkpointMillis = checkpointInterval.toMillis();
        this.epoch = epoch;
        this.onOutboxWritten = onOutboxWritten;
        this.onEvent = onEvent;
        EngineListener toJournal = queue::add;
        this.engine = new Engine(clock, toJournal, grace == null ? -1 : grace.toMillis());
        this.journal = Thread.ofPlatform().name("vigil-journal").daemon(true).unstarted(this::journalLoop);
    }

    public Engine engine() {
        return engine;
    }

    /** Applies a monitor set; returns the removed eventNames (their store rows are dropped by the journal later). */
    public Set<String> configure(Collection<Monitor> monitors) {
        for (Monitor m : monitors) closedLoops.put(m.eventName(), m.closedLoop());
        return engine.configure(monitors);
    }

    /** Loads the stored state into the engine, then starts the detector and journal threads. */
    public void start() {
        List<SourceSnapshot> stored = sources.loadAll();
        engine.restore(stored);
        engine.tick();
        lastCheckpointMillis = clock.millis();
        runner = new EngineRunner(engine).start();
        journal.start();
        log.info("liveness engine started: {} sources restored, {} monitors", stored.size(), engine.monitors().size());
    }

    public void setEpoch(long epoch) {
        this.epoch = epoch;
        this.fenced = false;
    }

    public long epoch() {
        return epoch;
    }

    /** Stop emitting: another instance owns the lease. Queued events are dropped (the new owner re-decides them). */
    public void fence() {
        fenced = true;
    }

    public boolean isStoreHealthy() {
        return storeHealthy;
    }

    public int pendingEvents() {
        return queue.size() + pending.size();
    }

    // ------------------------------------------------------------ HeartbeatReceiver

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel) {
        return engine.accept(heartbeat, channel);
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
    public void hold(Channel channel, String reason) {
        if (!engine.isHeld(channel)) {
            log.warn("ingest channel {} is broken ({}): detection is held for the sources it feeds; check that channel's server and network",
                    channel, reason);
        }
        engine.hold(channel, reason);
    }

    @Override
    public void resume(Channel channel) {
        if (engine.isHeld(channel)) log.info("ingest channel {} works again: detection resumes after a grace period", channel);
        engine.resume(channel);
    }

    // ------------------------------------------------------------ journal thread

    private void journalLoop() {
        long backoff = 100;
        while (running || !queue.isEmpty() || !pending.isEmpty()) {
            try {
                long untilCheckpoint = lastCheckpointMillis + checkpointMillis - clock.millis();
                if (pending.isEmpty()) {
                    ChangeEvent first = queue.poll(Math.max(1, Math.min(untilCheckpoint, 50)), TimeUnit.MILLISECONDS);
                    if (first != null) pending.add(first);
                }
                queue.drainTo(pending, MAX_EVENTS_PER_TX - pending.size());
                if (!pending.isEmpty()) writeEvents();
                if (queue.isEmpty() && pending.isEmpty()) forgetRemoved();
                boolean waiters;
                synchronized (waitersLock) {
                    waiters = !durableWaiters.isEmpty();
                }
                if (clock.millis() - lastCheckpointMillis >= checkpointMillis || (waiters && !running)) checkpoint();
                storeHealthy = true;
                backoff = 100;
            } catch (StaleEpochException e) {
                log.error("lost the lease (epoch {} is stale, current {}): this instance stops emitting; another instance is active",
                        e.offeredEpoch(), e.currentEpoch());
                fenced = true;
                pending.clear();
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
                sleepQuietly(backoff);
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    private void writeEvents() {
        if (fenced) {
            pending.clear();
            return;
        }
        List<SourceSnapshot> states = new ArrayList<>(pending.size());
        List<OutboxEntry> outbox = new ArrayList<>();
        for (ChangeEvent e : pending) {
            states.add(e.snapshotAfter());
            if (e.isAlarm()) {
                ClosedLoop cl = closedLoops.getOrDefault(e.source().eventName(), ClosedLoop.NONE);
                outbox.add(new OutboxEntry(e.eventId(), e.source().eventName(), e.source().sourceName(), e.kind(),
                        ControlLoopEvents.toJson(cl, e), e.atMillis()));
            }
        }
        stateWriter.commit(states, outbox, epoch);
        for (ChangeEvent e : pending) onEvent.accept(e);
        pending.clear();
        if (!outbox.isEmpty()) onOutboxWritten.run();
    }

    private void checkpoint() {
        List<CompletableFuture<Void>> waiters;
        synchronized (waitersLock) {
            waiters = durableWaiters;
            durableWaiters = new ArrayList<>();
        }
        try {
            List<SourceSnapshot> dirty = new ArrayList<>();
            engine.drainDirty(dirty::add);
            if (!dirty.isEmpty() && !fenced) sources.checkpoint(dirty);
            lastCheckpointMillis = clock.millis();
        } catch (RuntimeException e) {
            synchronized (waitersLock) {
                waiters.addAll(durableWaiters);
                durableWaiters = waiters;
            }
            throw e;
        }
        waiters.forEach(w -> w.complete(null));
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
        if (runner != null) runner.close();
        engine.tick();
        running = false;
        try {
            journal.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpoint();
        } catch (RuntimeException e) {
            log.warn("final checkpoint failed ({}); up to {} ms of lastSeen updates are lost, which only shortens the grace after restart",
                    e.getMessage(), checkpointMillis);
        }
    }
}

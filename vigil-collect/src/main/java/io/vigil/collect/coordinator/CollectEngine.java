package io.vigil.collect.coordinator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.rpc.RpcResult;
import io.vigil.collect.snapshot.CollectCommand;
import io.vigil.collect.snapshot.GlobalHeartbeat;
import io.vigil.collect.snapshot.SnapshotStore;
import io.vigil.collect.snapshot.StatusChange;
import io.vigil.collect.snapshot.StatusTable;
import io.vigil.store.lease.StaleEpochException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pull side's engine: owns the timers, calls the collectors, orders their answers, keeps the status table and
 * turns its differences into outbox events.
 *
 * <p>Flow: a timer calls {@code get_changes} every {@link CollectSettings#changesInterval()} and {@code get_all}
 * every {@link CollectSettings#allInterval()} (the first get_all at start) through the {@link CollectorPool}; at most
 * one call of each kind is in flight. Answers enter a {@link PriorityCoordinator} (live changes before bulk). One
 * coordinator thread applies them one by one: (1) append the answer to the journal, (2) diff it into the
 * {@link StatusTable}, (3) write the changes to the outbox with an id derived from the journal seq (retried until it
 * succeeds), (4) after a get_all, save a snapshot (which prunes the journal), (5) tell the listeners.
 *
 * <p>Restart: the snapshot is loaded and the journal rows after it are replayed through the same diff; their outbox
 * ids are the same as before the crash, so an event already written is not written again and one that was not is
 * written now: nothing lost, nothing doubled. The same restore runs whenever this instance becomes active (HA).
 * While {@code active} is false the timers do nothing.
 *
 * <p>Thread-safe: the query methods read an immutable view published after each answer.
 */
public final class CollectEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectEngine.class);
    private static final int REPLAY_PAGE = 100;

    private sealed interface Work {
    }

    private record Apply(RpcResult result, CompletableFuture<Void> done) implements Work {
    }

    private record Restore() implements Work {
    }

    private final CollectSettings settings;
    private final CollectorPool pool;
    private final SnapshotStore store;
    private final ChangeWriter writer;
    private final Clock clock;
    private final BooleanSupplier active;
    private final PriorityCoordinator<Work> coordinator = new PriorityCoordinator<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-collect-timer").daemon(true).unstarted(r));
    private final Thread worker;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Consumer<List<StatusChange>>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean allInFlight = new AtomicBoolean(), changesInFlight = new AtomicBoolean();

    // owned by the coordinator thread
    private StatusTable table = new StatusTable();
    private long round;
    private volatile boolean wasActive;

    private volatile View view = new View(List.of(), 0, 0);
    private final AtomicLong failedCalls = new AtomicLong(), appliedAnswers = new AtomicLong(), changeCount = new AtomicLong();
    private volatile long lastApplyNanos, lastChangesCallNanos, lastAllCallNanos;

    /** What queries see: the entities after the last applied answer. */
    private record View(List<Entity> entities, long round, long roundAtMillis) {
    }

    public CollectEngine(CollectSettings settings, CollectorPool pool, SnapshotStore store, ChangeWriter writer, Clock clock,
                         BooleanSupplier active) {
        this.settings = settings;
        this.pool = pool;
        this.store = store;
        this.writer = writer;
        this.clock = clock;
        this.active = active;
        this.worker = Thread.ofPlatform().name("vigil-collect-coordinator").daemon(true).unstarted(this::run);
    }

    /** Starts the coordinator and the timers; the first get_all runs at once. */
    public void start() {
        worker.start();
        long all = settings.allInterval().toMillis(), changes = settings.changesInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> tick(true), 0, all, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> tick(false), changes, changes, TimeUnit.MILLISECONDS);
    }

    /** Listeners run on the coordinator thread after each answer's changes are in the outbox; keep them short. */
    public void addListener(Consumer<List<StatusChange>> listener) {
        listeners.add(listener);
    }

    /** Runs a get_all now; completes when its answer has been applied (or fails when no collector answered). */
    public CompletableFuture<Void> refresh() {
        return call(true, true);
    }

    /** Runs a get_changes now; completes when its answer has been applied. */
    public CompletableFuture<Void> changesNow() {
        return call(false, true);
    }

    private void tick(boolean all) {
        try {
            if (!active.getAsBoolean()) {
                wasActive = false;
                return;
            }
            if (!wasActive) {
                wasActive = true;
                coordinator.submitLive(new Restore());
            }
            call(all, false);
        } catch (RuntimeException e) {
            log.error("collect timer failed; it runs again at the next interval", e);
        }
    }

    private CompletableFuture<Void> call(boolean all, boolean forced) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicBoolean inFlight = all ? allInFlight : changesInFlight;
        if (!forced && !inFlight.compareAndSet(false, true)) {
            done.complete(null); // the previous call of this kind is still running: skip this tick
            return done;
        }
        long t0 = System.nanoTime();
        List<String> names = settings.datasourceNames();
        (all ? pool.getAll(names) : pool.getChanges(names)).whenComplete((r, e) -> {
            if (!forced) inFlight.set(false);
            long took = System.nanoTime() - t0;
            if (all) lastAllCallNanos = took;
            else lastChangesCallNanos = took;
            if (e != null) {
                failedCalls.incrementAndGet();
                log.warn("{} failed: {}", all ? "get_all" : "get_changes", e.getMessage());
                done.completeExceptionally(e);
                return;
            }
            if (!r.errors().isEmpty()) log.warn("{} from {}: datasources not read: {}", r.rpc(), r.collector(), r.errors());
            Apply a = new Apply(r, done);
            if (all) coordinator.submitBulk(a);
            else coordinator.submitLive(a);
        });
        return done;
    }

    // ------------------------------------------------------------------ coordinator thread

    private void run() {
        while (closing.getCount() > 0) {
            Work w;
            try {
                w = coordinator.take(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (w == null) continue;
            try {
                switch (w) {
                    case Restore r -> restore();
                    case Apply a -> {
                        apply(a.result());
                        a.done().complete(null);
                    }
                }
            } catch (RuntimeException e) {
                log.error("applying collected status failed; the next get_all heals the table", e);
                if (w instanceof Apply a) a.done().completeExceptionally(e);
            }
        }
    }

    private void apply(RpcResult r) {
        if (!r.isAll() && r.entities().isEmpty()) {
            publish();
            return;
        }
        long t0 = System.nanoTime();
        long seq = store.append(r, clock.millis());
        List<StatusChange> changes = table.apply(r);
        round++;
        if (!writeUntilDone(changes, seq)) return;
        if (r.isAll()) store.save(seq, round, table.entities(), clock.millis());
        appliedAnswers.incrementAndGet();
        changeCount.addAndGet(changes.size());
        lastApplyNanos = System.nanoTime() - t0;
        publish();
        if (!changes.isEmpty()) {
            for (var l : listeners) {
                try {
                    l.accept(changes);
                } catch (RuntimeException e) {
                    log.warn("a status-change listener failed: {}", e.toString());
                }
            }
        }
    }

    /** Pause after the n-th failed outbox write in a row: 200 ms doubling to 5 s. */
    private static final io.vigil.backoff.BackoffPolicy OUTBOX_RETRY =
            io.vigil.backoff.BackoffPolicy.doubling(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5));

    /** Writes to the outbox, retrying with backoff; false when closing or no longer active (the journal keeps it). */
    private boolean writeUntilDone(List<StatusChange> changes, long seq) {
        for (int attempt = 1; ; attempt++) {
            try {
                writer.write(changes, seq);
                return true;
            } catch (StaleEpochException e) {
                log.warn("not the active instance any more; journal row {} is left to the active one", seq);
                wasActive = false;
                return false;
            } catch (RuntimeException e) {
                if (attempt == 1 || attempt % 10 == 0)
                    log.warn("writing {} status changes to the outbox failed (attempt {}): {}; retrying", changes.size(), attempt, e.getMessage());
                try {
                    if (closing.await(OUTBOX_RETRY.delayAfter(attempt).toMillis(), TimeUnit.MILLISECONDS)) return false;
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (!active.getAsBoolean()) return false;
            }
        }
    }

    /** Loads the last snapshot and replays the journal after it (at start and whenever this instance becomes active). */
    private void restore() {
        var snap = store.load();
        long seq = 0;
        if (snap.isPresent()) {
            table.restore(snap.get().entities());
            round = snap.get().round();
            seq = snap.get().journalSeq();
        } else {
            table = new StatusTable(); // no baseline: the first journal row (or answer) is the baseline, as in the first run
            round = 0;
        }
        int replayed = 0;
        long last = seq;
        while (true) {
            var page = store.after(last, REPLAY_PAGE);
            if (page.isEmpty()) break;
            for (var entry : page) {
                List<StatusChange> changes = table.apply(entry.result());
                round++;
                if (!writeUntilDone(changes, entry.seq())) return;
                last = entry.seq();
                replayed++;
            }
        }
        if (replayed > 0) store.save(last, round, table.entities(), clock.millis());
        if (snap.isPresent() || replayed > 0)
            log.info("collect: restored {} entities from the snapshot{} and replayed {} journal rows after it",
                    snap.map(s -> s.entities().size()).orElse(0), snap.isPresent() ? " of journal seq " + seq : " (none)", replayed);
        publish();
    }

    private void publish() {
        view = new View(table.entities(), round, clock.millis());
    }

    // ------------------------------------------------------------------ queries

    /** The global heartbeat of the last applied answer, filtered by group and type ("all" or null for no filter). */
    public ObjectNode heartbeat(String group, String type) {
        View v = view;
        return GlobalHeartbeat.build(v.entities(), group, type, v.roundAtMillis(), v.round());
    }

    public List<Entity> entities() {
        return view.entities();
    }

    /** A JSON command's answer over the last applied round (entities, round and its time from one snapshot). */
    public ObjectNode answer(CollectCommand command) {
        View v = view;
        return command.answer(v.entities(), v.roundAtMillis(), v.round());
    }

    /** The entity of that type and name, or null. */
    public Entity find(EntityType type, String name) {
        for (Entity e : view.entities()) if (e.type() == type && e.name().equals(name)) return e;
        return null;
    }

    public CollectorPool pool() {
        return pool;
    }

    /** Figures for the status API and the benchmarks. */
    public record Stats(long round, int entities, long appliedAnswers, long changes, long failedCalls, int queued,
                        long lastApplyMillis, long lastGetChangesMillis, long lastGetAllMillis) {
    }

    public Stats stats() {
        View v = view;
        return new Stats(v.round(), v.entities().size(), appliedAnswers.get(), changeCount.get(), failedCalls.get(),
                coordinator.size(), TimeUnit.NANOSECONDS.toMillis(lastApplyNanos), TimeUnit.NANOSECONDS.toMillis(lastChangesCallNanos),
                TimeUnit.NANOSECONDS.toMillis(lastAllCallNanos));
    }

    /** Stops the timers and the coordinator; an answer being applied finishes first. Idempotent. */
    @Override
    public void close() {
        timer.shutdownNow();
        closing.countDown();
        coordinator.close();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.vigil.dependency.Dependency;
import io.vigil.dependency.DependencyCycles;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.http.DetectionApi;
import io.vigil.silence.Silence;
import io.vigil.store.detection.DependencyRepository;
import io.vigil.store.detection.HeldEvent;
import io.vigil.store.detection.HeldEventRepository;
import io.vigil.store.detection.SilenceRepository;
import io.vigil.store.deadletter.DeadLetterKind;
import io.vigil.store.deadletter.StoreErrors;
import io.vigil.store.deadletter.StoreLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires silences, dependencies and held events to the running engine (docs/detection.md).
 *
 * <ul>
 *   <li>The engine's silences are the config ones plus the stored (API) ones; its dependencies likewise. They are
 *       pushed at start, after every API change, and re-read every second, so that a config reload, another
 *       instance's API call (shared store) and a new engine after an HA role change all take effect within a
 *       second.</li>
 *   <li>Held events (recorded, not published) come from the engine's recorder hook on the detector thread and are
 *       appended to {@code held_events} by this wiring's own thread every 200 ms. They never enter the outbox. At
 *       most {@value #MAX_QUEUED_HELD} wait in memory (the store down through a storm under a silence): past it a new
 *       one is dropped and counted ({@code vigil_held_events_dropped_total}, one WARN a minute). Only the record is
 *       lost: the engine still holds the ONSET and publishes it when the silence ends.</li>
 * </ul>
 */
final class DetectionWiring implements DetectionApi.Backend, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DetectionWiring.class);
    private static final long RETENTION_MILLIS = 24 * 3_600_000L;

    private final VigilServer server;
    private final SilenceRepository silences;
    private final DependencyRepository dependencies;
    private final HeldEventRepository held;
    static final int MAX_QUEUED_HELD = 100_000;
    private final LinkedBlockingQueue<ChangeEvent> recorded = new LinkedBlockingQueue<>(MAX_QUEUED_HELD);
    private final java.util.concurrent.atomic.LongAdder droppedHeld = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.AtomicLong droppedWarnedAt = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-detection").daemon(true).unstarted(r));
    private Engine engine;
    private @Nullable List<Silence> pushedSilences;
    private @Nullable List<Dependency> pushedDependencies;

    private DetectionWiring(VigilServer server) {
        this.server = server;
        this.silences = new SilenceRepository(server.database());
        this.dependencies = new DependencyRepository(server.database());
        this.held = new HeldEventRepository(server.database());
    }

    static void start(VigilServer server) {
        DetectionWiring w = new DetectionWiring(server);
        w.refresh();
        io.micrometer.core.instrument.FunctionCounter.builder("vigil_held_events_dropped_total", w, DetectionWiring::droppedHeld)
                .description("held events not recorded because " + MAX_QUEUED_HELD + " were waiting for the store (the "
                        + "engine still holds their ONSETs)").register(server.registry());
        w.timer.scheduleWithFixedDelay(w::refreshQuietly, 1000, 1000, TimeUnit.MILLISECONDS);
        w.timer.scheduleWithFixedDelay(w::flushQuietly, 200, 200, TimeUnit.MILLISECONDS);
        w.timer.scheduleWithFixedDelay(w::pruneQuietly, 1, 60, TimeUnit.MINUTES);
        server.addCapability(w, new DetectionApi(w));
    }

    /** Pushes the current silences and dependencies to the current engine when either changed. */
    synchronized void refresh() {
        Engine e = server.liveness().engine();
        List<Silence> s = silences();
        List<Dependency> d = dependencies();
        if (e != engine) {
            e.setRecorder(this::record);
            engine = e;
            pushedSilences = null;
            pushedDependencies = null;
        }
        if (!Objects.equals(s, pushedSilences)) {
            e.setSilences(s);
            pushedSilences = s;
        }
        if (!Objects.equals(d, pushedDependencies)) {
            e.setDependencies(d);
            pushedDependencies = d;
        }
    }

    /** On the detector thread: never blocks; drops and counts when {@link #MAX_QUEUED_HELD} wait already. */
    private void record(ChangeEvent e) {
        if (recorded.offer(e)) return;
        droppedHeld.increment();
        long now = System.currentTimeMillis();
        long last = droppedWarnedAt.get();
        if (now - last >= 60_000 && droppedWarnedAt.compareAndSet(last, now)) {
            log.warn("{} held events wait for the store: new ones are not recorded ({} dropped so far; the held ONSETs "
                    + "themselves are kept by the engine). Check the database", MAX_QUEUED_HELD, droppedHeld.sum());
        }
    }

    /** Held events dropped because {@link #MAX_QUEUED_HELD} were waiting for the store. */
    long droppedHeld() {
        return droppedHeld.sum();
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            log.warn("could not refresh silences and dependencies from the store ({}); the engine keeps the last ones", e.getMessage());
        }
    }

    /**
     * Appends the recorded events. A row the store cannot hold (checked before writing, or refused for a permanent
     * reason) is dead-lettered and the others are written; a transient failure keeps them all, in order, for the next
     * round.
     */
    private void flushQuietly() {
        List<ChangeEvent> batch = new ArrayList<>();
        recorded.drainTo(batch, 1000);
        batch.removeIf(e -> {
            String problem = StoreLimits.keyProblem(e.source().eventName(), e.source().sourceName());
            if (problem != null) deadLetter(e, problem);
            return problem != null;
        });
        if (batch.isEmpty()) return;
        try {
            try {
                held.append(batch);
            } catch (RuntimeException e) {
                if (!StoreErrors.isPermanent(e)) throw e;
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        held.append(List.of(batch.get(i)));
                    } catch (RuntimeException one) {
                        if (!StoreErrors.isPermanent(one)) {
                            batch.subList(0, i).clear();
                            throw one;
                        }
                        deadLetter(batch.get(i), StoreErrors.describe(one));
                    }
                }
            }
        } catch (RuntimeException e) {
            log.warn("could not record {} held events ({}); retrying", batch.size(), e.getMessage());
            // put the batch back in front, in order; what no longer fits (the recorder added meanwhile) is dropped
            List<ChangeEvent> rest = new ArrayList<>(batch);
            recorded.drainTo(rest);
            for (ChangeEvent r : rest) if (!recorded.offer(r)) droppedHeld.increment();
        }
    }

    private void deadLetter(ChangeEvent e, String why) {
        var n = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        n.put("eventId", e.eventId()).put("kind", e.kind().name()).put("eventName", e.source().eventName())
                .put("sourceName", e.source().sourceName()).put("outageId", e.outageId()).put("reason", e.reason())
                .put("atMillis", e.atMillis());
        server.database().deadLetters().record(DeadLetterKind.HELD_EVENT, e.source().eventName() + "/" + e.source().sourceName(),
                n.toString(), why, now());
    }

    private void pruneQuietly() {
        try {
            long before = now() - RETENTION_MILLIS;
            held.prune(before);
            server.database().deadLetters().prune(before - 6 * RETENTION_MILLIS); // a week: time for an operator to look
            silences.pruneEnded(before);
        } catch (RuntimeException e) {
            log.warn("pruning held events and ended silences failed ({}); retried in an hour", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ DetectionApi.Backend

    @Override
    public long now() {
        return server.liveness().engine().clock().millis();
    }

    @Override
    public List<Silence> silences() {
        List<Silence> all = new ArrayList<>(server.config().detection().silences());
        all.addAll(silences.current(now()));
        return List.copyOf(all);
    }

    @Override
    public Duration maxSilence() {
        return server.config().detection().maxSilence();
    }

    @Override
    public void addSilence(Silence s) {
        silences.insert(s, now());
        log.info("silence {} added: {} from {} ({})", s.id(), s.matcher(), s.window(), s.comment());
        refresh();
    }

    @Override
    public boolean deleteSilence(String id) {
        boolean gone = silences.delete(id);
        if (gone) {
            log.info("silence {} deleted", id);
            refresh();
        }
        return gone;
    }

    @Override
    public List<Dependency> dependencies() {
        List<Dependency> all = new ArrayList<>(server.config().detection().dependencies());
        all.addAll(dependencies.all());
        return List.copyOf(all);
    }

    /** Refuses a rule that would close a cycle with the config's and the stored ones; serialised so two halves of one cycle cannot both pass. */
    @Override
    public synchronized void addDependency(Dependency d) {
        DependencyCycles.closedBy(dependencies(), d).ifPresent(cycle -> {
            throw new DependencyCycles.CycleException(cycle);
        });
        dependencies.insert(d, now());
        refresh();
    }

    @Override
    public boolean deleteDependency(String id) {
        boolean gone = dependencies.delete(id);
        if (gone) refresh();
        return gone;
    }

    @Override
    public List<HeldEvent> heldEvents(long sinceMillis, int limit) {
        flushQuietly();
        return held.recent(sinceMillis, limit);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        flushQuietly();
    }
}

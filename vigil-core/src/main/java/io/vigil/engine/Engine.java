package io.vigil.engine;

import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.timing.TimingWheel;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The liveness engine: tracks every source's last heartbeat and decides, by deadline, when a source goes MISSING
 * (ONSET) and when it comes back (ABATED). It does no I/O: heartbeats come in through {@link #accept}, change
 * events go out to an {@link EngineListener}, and time comes from an injected {@link Clock}.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@link #accept} is called by any number of ingest threads. It is lock-free: a map lookup and a CAS on the
 *       source's lastSeen. Only a source leaving UNKNOWN or MISSING wakes the detector (a queue offer).</li>
 *   <li>{@link #tick} is called by one detector thread (see {@link EngineRunner}, or a test with a manual clock).
 *       Every state change and every listener call happens there, so the events of a source are strictly ordered
 *       and an ONSET can never race its ABATED.</li>
 *   <li>{@link #configure}, {@link #restore}, {@link #hold}, {@link #resume} may be called from any thread; their
 *       effect on detection is applied at the next tick.</li>
 * </ul>
 *
 * <h2>Rule</h2>
 * A source is MISSING when {@code now − lastSeen > heartbeatInterval × missedHeartbeats} (the monitor's
 * threshold). Deadlines sit in a {@link TimingWheel}; heartbeats do not touch the wheel: when a deadline fires the
 * detector checks the real lastSeen and either raises the ONSET or re-arms at {@code lastSeen + threshold}. So
 * the cost of a heartbeat does not depend on the number of sources, and each source costs about one wheel visit per
 * threshold.
 */
public final class Engine {
    /** Detector resolution: deadlines are scanned in 4 ms buckets; 16384 buckets span 65 s per revolution. */
    private static final int WHEEL_BUCKETS = 16384;
    private static final long WHEEL_TICK_MILLIS = 4;

    private final Clock clock;
    private final EngineListener listener;
    private final long graceOverride;
    private volatile Map<String, MonitorState> monitors = Map.of();
    private final TimingWheel<Source> wheel;
    private final ConcurrentLinkedQueue<Source> signals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final AtomicIntegerArray held = new AtomicIntegerArray(Channel.values().length);
    private final Map<Channel, String> holdReasons = new EnumMap<>(Channel.class);

    private final LongAdder accepted = new LongAdder();
    private final LongAdder unknownEventName = new LongAdder();
    private final LongAdder onsets = new LongAdder();
    private final LongAdder abatements = new LongAdder();

    /**
     * @param clock         time source (a manual clock in tests)
     * @param listener      receives change events on the detector thread
     * @param graceMillis   grace after a restore or an ingest resume before detection applies again; negative means
     *                      "one heartbeatInterval of the source's monitor"
     */
    public Engine(Clock clock, EngineListener listener, long graceMillis) {
        this.clock = clock;
        this.listener = listener;
        this.graceOverride = graceMillis;
        this.wheel = new TimingWheel<>(WHEEL_BUCKETS, WHEEL_TICK_MILLIS, clock.millis());
    }

    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ ingest (any thread)

    /** Takes one heartbeat that arrived now. Lock-free; never blocks. */
    public Acceptance accept(Heartbeat hb, Channel channel) {
        MonitorState m = monitors.get(hb.eventName());
        if (m == null) {
            unknownEventName.increment();
            return Acceptance.UNKNOWN_EVENT_NAME;
        }
        long now = clock.millis();
        // ONAP's rule: lastSeen is the event's own time; one from the future is clamped to the arrival time
        long seen = m.monitor.timeBase() == TimeBase.ARRIVAL ? now : Math.min(hb.eventTimeMillis(), now);
        Source s = m.sources.get(hb.sourceName());
        if (s == null) s = m.sources.computeIfAbsent(hb.sourceName(), n -> new Source(n, m));
        s.channel = channel;
        s.observe(seen);
        // volatile write of lastSeen above, volatile read of state here: pairs with the detector's
        // "state = MISSING, then re-read lastSeen" so that a heartbeat racing an ONSET is never lost
        if (s.state != LivenessState.ALIVE && s.claimSignal()) signals.offer(s);
        accepted.increment();
        return Acceptance.ACCEPTED;
    }

    /** Holds detection for sources last heard through {@code channel} (that path is broken, not the sources). */
    public void hold(Channel channel, String reason) {
        if (held.getAndSet(channel.ordinal(), 1) == 0) {
            synchronized (holdReasons) {
                holdReasons.put(channel, reason);
            }
        }
    }

    /** Resumes detection for {@code channel}'s sources, each with a grace period from now. */
    public void resume(Channel channel) {
        if (held.getAndSet(channel.ordinal(), 0) == 1) {
            synchronized (holdReasons) {
                holdReasons.remove(channel);
            }
            commands.offer(() -> regrace(channel));
        }
    }

    public boolean isHeld(Channel channel) {
        return held.get(channel.ordinal()) == 1;
    }

    /** Channels currently held, with the reason given. */
    public Map<Channel, String> holds() {
        synchronized (holdReasons) {
            return Map.copyOf(holdReasons);
        }
    }

    // ------------------------------------------------------------------ configuration (any thread)

    /**
     * Replaces the monitor set. A new eventName is accepted as soon as this returns; a changed threshold re-arms
     * that monitor's sources at the next tick; a removed eventName stops being accepted at once, and at the next
     * tick its open alarms are closed (ABATED, reason "monitor removed") and its sources forgotten.
     *
     * @return the eventNames that were removed
     */
    public synchronized Set<String> configure(Collection<Monitor> newMonitors) {
        Map<String, MonitorState> old = monitors;
        Map<String, MonitorState> next = new HashMap<>();
        List<Runnable> work = new ArrayList<>();
        for (Monitor m : newMonitors) {
            MonitorState existing = old.get(m.eventName());
            if (existing == null) {
                next.put(m.eventName(), new MonitorState(m, graceOverride));
            } else {
                next.put(m.eventName(), existing);
                if (!existing.monitor.equals(m)) work.add(() -> reconfigure(existing, m));
            }
        }
        Set<String> removed = new HashSet<>(old.keySet());
        removed.removeAll(next.keySet());
        for (String name : removed) {
            MonitorState gone = old.get(name);
            gone.removed = true;
            work.add(() -> close(gone));
        }
        monitors = Map.copyOf(next);
        commands.addAll(work);
        return removed;
    }

    public List<Monitor> monitors() {
        return monitors.values().stream().map(ms -> ms.monitor).toList();
    }

    /**
     * Restores sources from the store (call before ingest starts). ALIVE sources get
     * {@code max(lastSeen + threshold, now + grace)}, so a restart raises no storm yet a source that died while Vigil
     * was down still gets its ONSET after the grace. MISSING sources keep their outage (no second ONSET).
     * Sources of eventNames without a monitor are ignored.
     */
    public void restore(Collection<SourceSnapshot> snapshots) {
        List<SourceSnapshot> copy = List.copyOf(snapshots);
        commands.offer(() -> {
            long now = clock.millis();
            for (SourceSnapshot snap : copy) {
                MonitorState m = monitors.get(snap.key().eventName());
                if (m == null || snap.state() == LivenessState.UNKNOWN) continue;
                Source s = m.sources.computeIfAbsent(snap.key().sourceName(), n -> new Source(n, m));
                s.observe(snap.lastSeenMillis());
                s.checkpointed = snap.lastSeenMillis();
                if (snap.state() == LivenessState.MISSING) {
                    // stays MISSING with its outage; a heartbeat that raced the restore is handled by woken()
                    s.outageId = snap.outageId();
                    s.alarmStart = snap.alarmStartMillis();
                    s.state = LivenessState.MISSING;
                    wheel.cancel(s);
                } else {
                    s.state = LivenessState.ALIVE;
                    wheel.schedule(s, Math.max(s.lastSeen + m.threshold + 1, now + m.grace));
                }
                // a heartbeat may have raced the restore: let the detector look again
                if (s.claimSignal()) signals.offer(s);
            }
        });
    }

    /**
     * Completes on the detector thread after every command submitted before this call has run, and the change events
     * they caused were handed to the listener.
     */
    public java.util.concurrent.CompletableFuture<Void> barrier() {
        var done = new java.util.concurrent.CompletableFuture<Void>();
        commands.offer(() -> done.complete(null));
        return done;
    }

    // ------------------------------------------------------------------ detector (one thread)

    /** Runs pending commands, processes woken sources and fires due deadlines. Detector thread only. */
    public void tick() {
        Runnable c;
        while ((c = commands.poll()) != null) c.run();
        long now = clock.millis();
        Source s;
        while ((s = signals.poll()) != null) woken(s, now);
        wheel.advance(now, this::expired);
    }

    private void woken(Source s, long now) {
        s.signalled = false;
        if (s.monitor.removed) return;
        MonitorState m = s.monitor;
        switch (s.state) {
            case UNKNOWN -> {
                if (s.lastSeen == 0) return;
                s.state = LivenessState.ALIVE;
                wheel.schedule(s, s.lastSeen + m.threshold + 1);
                emit(s, LivenessState.UNKNOWN, LivenessState.ALIVE, now, null, 0, 0, "first heartbeat");
            }
            case MISSING -> {
                if (now - s.lastSeen > m.threshold) return; // a stale, old heartbeat: still missing
                String outage = s.outageId;
                long start = s.alarmStart;
                s.state = LivenessState.ALIVE;
                s.outageId = null;
                s.alarmStart = 0;
                wheel.schedule(s, s.lastSeen + m.threshold + 1);
                abatements.increment();
                emit(s, LivenessState.MISSING, LivenessState.ALIVE, now, outage, start, now, "heartbeat received");
            }
            case ALIVE -> {
            }
        }
    }

    private void expired(Source s, long now) {
        if (s.monitor.removed || s.state != LivenessState.ALIVE) return;
        MonitorState m = s.monitor;
        Channel ch = s.channel;
        if (ch != null && held.get(ch.ordinal()) == 1) {
            wheel.schedule(s, now + m.threshold); // its ingest path is broken: not its fault, look again later
            return;
        }
        if (now - s.lastSeen <= m.threshold) {
            wheel.schedule(s, s.lastSeen + m.threshold + 1);
            return;
        }
        s.state = LivenessState.MISSING;
        if (now - s.lastSeen <= m.threshold) { // a heartbeat landed while we decided: not missing after all
            s.state = LivenessState.ALIVE;
            wheel.schedule(s, s.lastSeen + m.threshold + 1);
            return;
        }
        String outage = UUID.randomUUID().toString();
        s.alarmStart = now;
        s.outageId = outage;
        onsets.increment();
        emit(s, LivenessState.ALIVE, LivenessState.MISSING, now, outage, now, 0,
                "silent " + (now - s.lastSeen) + " ms > " + m.monitor.missedHeartbeats() + " x "
                        + m.monitor.heartbeatInterval().toMillis() + " ms");
    }

    private void reconfigure(MonitorState ms, Monitor m) {
        ms.update(m, graceOverride);
        for (Source s : ms.sources.values()) {
            if (s.state == LivenessState.ALIVE) wheel.schedule(s, s.lastSeen + ms.threshold + 1);
        }
    }

    private void close(MonitorState ms) {
        long now = clock.millis();
        for (Source s : ms.sources.values()) {
            wheel.cancel(s);
            if (s.state == LivenessState.MISSING) {
                String outage = s.outageId;
                long start = s.alarmStart;
                s.state = LivenessState.ALIVE;
                s.outageId = null;
                abatements.increment();
                emit(s, LivenessState.MISSING, LivenessState.ALIVE, now, outage, start, now, "monitor removed");
            }
        }
        ms.sources.clear();
    }

    private void regrace(Channel channel) {
        long now = clock.millis();
        for (MonitorState ms : monitors.values()) {
            for (Source s : ms.sources.values()) {
                if (s.channel == channel && s.state == LivenessState.ALIVE) {
                    wheel.schedule(s, Math.max(s.lastSeen + ms.threshold + 1, now + ms.grace));
                }
            }
        }
    }

    private void emit(Source s, LivenessState from, LivenessState to, long now, String outage, long start, long end,
                      String reason) {
        listener.onChange(new ChangeEvent(UUID.randomUUID().toString(), s.key(), from, to, now, s.lastSeen,
                outage, start, end, reason));
    }

    // ------------------------------------------------------------------ views (any thread)

    /** Sources matching the filters (null = any), at most {@code limit}. Weakly consistent. */
    public List<SourceView> sources(String eventName, LivenessState state, int limit) {
        List<SourceView> out = new ArrayList<>();
        for (MonitorState ms : monitors.values()) {
            if (eventName != null && !eventName.equals(ms.monitor.eventName())) continue;
            for (Source s : ms.sources.values()) {
                if (out.size() >= limit) return out;
                LivenessState st = s.state;
                if (state != null && st != state) continue;
                out.add(view(s, st));
            }
        }
        return out;
    }

    public SourceView source(SourceKey key) {
        MonitorState ms = monitors.get(key.eventName());
        Source s = ms == null ? null : ms.sources.get(key.sourceName());
        return s == null ? null : view(s, s.state);
    }

    private static SourceView view(Source s, LivenessState st) {
        boolean armed = st == LivenessState.ALIVE;
        return new SourceView(s.key(), st, s.lastSeen, s.channel, st == LivenessState.MISSING ? s.outageId : null,
                st == LivenessState.MISSING ? s.alarmStart : 0,
                armed ? s.lastSeen + s.monitor.threshold + 1 : 0);
    }

    /** Number of sources per state. */
    public Map<LivenessState, Long> counts() {
        Map<LivenessState, Long> c = new EnumMap<>(LivenessState.class);
        for (LivenessState st : LivenessState.values()) c.put(st, 0L);
        for (MonitorState ms : monitors.values()) {
            for (Source s : ms.sources.values()) c.merge(s.state, 1L, Long::sum);
        }
        return c;
    }

    /**
     * Hands every source whose lastSeen moved since the last call to {@code sink}, as a snapshot, and remembers it
     * as written. For the write-behind checkpoint; call from one thread only.
     */
    public int drainDirty(Consumer<SourceSnapshot> sink) {
        int n = 0;
        for (MonitorState ms : monitors.values()) {
            for (Source s : ms.sources.values()) {
                long seen = s.lastSeen;
                if (seen == s.checkpointed) continue;
                LivenessState st = s.state;
                String outage = s.outageId;
                // a MISSING without its outage id is the detector's tentative decision (see expired): still ALIVE
                if (st == LivenessState.MISSING && outage == null) st = LivenessState.ALIVE;
                if (st == LivenessState.UNKNOWN) st = LivenessState.ALIVE;
                sink.accept(new SourceSnapshot(s.key(), st, seen, st == LivenessState.MISSING ? outage : null,
                        st == LivenessState.MISSING ? s.alarmStart : 0));
                s.checkpointed = seen;
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------ counters

    public long acceptedCount() {
        return accepted.sum();
    }

    public long unknownEventNameCount() {
        return unknownEventName.sum();
    }

    public long onsetCount() {
        return onsets.sum();
    }

    public long abatedCount() {
        return abatements.sum();
    }

    public int scheduledCount() {
        return wheel.size();
    }
}

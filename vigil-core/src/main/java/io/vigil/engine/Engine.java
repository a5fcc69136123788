package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import io.vigil.dependency.Dependency;
import io.vigil.detect.AdaptiveDetector;
import io.vigil.detect.Detector;
import io.vigil.detect.DetectionRules;
import io.vigil.detect.FlapRule;
import io.vigil.ingest.Acceptance;
import io.vigil.ingest.BlindSpell;
import io.vigil.ingest.Channel;
import io.vigil.ingest.SourceAdmission;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.silence.Silence;
import io.vigil.timing.TimingWheel;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * A source is MISSING when {@code now − lastSeen} exceeds its monitor's {@link Detector} limit: with the default
 * detector {@code heartbeatInterval × missedHeartbeats} (the monitor's threshold), with phi-accrual a learnt limit
 * that is never above it. Deadlines sit in a {@link TimingWheel}; heartbeats do not touch the wheel: when a deadline
 * fires the detector checks the real lastSeen and either raises the ONSET or re-arms at {@code lastSeen + limit}. So
 * the cost of a heartbeat does not depend on the number of sources, and each source costs about one wheel visit per
 * limit.
 *
 * <h2>Only on evidence: watermarks and blind time</h2>
 * A deadline {@code D} of a source fires only once the {@link Watermarks watermark} of the source's channel has
 * passed {@code D}: the channel has proven it heard nothing from the source up to then. Until then the source is
 * <em>held blind</em> (no ONSET, counted per channel, {@link #blindHeld}). Time during which the channel proved
 * nothing at all (a {@link BlindSpell}: a watermark step longer than the part's blindAfter) and time during which
 * the detector itself was paused ({@link #selfPaused}: GC, a stopped process, a suspended VM) does not count as
 * silence: the deadline is {@code lastSeen + limit + 1 + (blind time after lastSeen)}. So a source that really died
 * during blind time gets exactly one ONSET, no later than {@code recovery + limit}; a live one whose heartbeats
 * could not get through gets that long to be heard again. A source whose channel is unknown (restored from the
 * store and not heard since, or expected and never heard) is judged on the oldest watermark of all channels. A
 * channel is also judged on the channels {@linkplain Watermarks#route routed} into it.
 *
 * <h2>Held notifications</h2>
 * An ONSET is decided as above but only <em>published</em> ({@link ChangeEvent#isPublished()}) when no
 * {@link Silence} covers the source, no {@link Dependency} parent of it is MISSING or overdue, and it is not
 * FLAPPING ({@link FlapRule}). Otherwise it is recorded and held; when the reason goes away and the source is still
 * MISSING, its ONSET is published then (same outage id). An ABATED is published exactly when its outage's ONSET was:
 * so an ABATED for a published outage is always delivered, even inside a silence. See docs/detection.md.
 */
public final class Engine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    /** Detector resolution: deadlines are scanned in 4 ms buckets; 16384 buckets span 65 s per revolution. */
    private static final int WHEEL_BUCKETS = 16384;
    private static final long WHEEL_TICK_MILLIS = 4;

    private final Clock clock;
    private final EngineListener listener;
    private final long graceOverride;
    /**
     * Published whole on every change, never modified after. Always a {@code HashMap} behind the same wrapper, whatever
     * its size: {@code Map.copyOf} hands back a different class for one monitor than for two, and a call site compiled
     * for one (the alarm path's warm-up has one monitor) was recompiled inside a real storm when it met the other.
     */
    private volatile Map<String, MonitorState> monitors = Collections.unmodifiableMap(new HashMap<>());
    private final TimingWheel<Source> wheel;
    private final ConcurrentLinkedQueue<Source> signals = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    /** Slot of sources whose channel is unknown in the per-channel arrays below. */
    private static final int NO_CHANNEL = Channel.values().length;
    private final Watermarks watermarks;
    /** Per channel (and {@link #NO_CHANNEL}): its watermark and blind spells, refreshed at every tick. */
    private final long[] sightMillis = new long[NO_CHANNEL + 1];
    private final BlindSpell[][] sightSpells = new BlindSpell[NO_CHANNEL + 1][];
    /** Per channel: sources past their deadline waiting for the watermark (detector thread), and their count. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Source>[] blind = new ArrayDeque[NO_CHANNEL + 1];
    private final long[] blindCheckedAt = new long[NO_CHANNEL + 1];
    private final AtomicIntegerArray blindCounts = new AtomicIntegerArray(NO_CHANNEL + 1);
    /** The detector's own pauses, newest last (detector thread), and their total length. */
    private final ArrayDeque<BlindSpell> pauses = new ArrayDeque<>();
    /** A copy of {@link #pauses} for other threads (status). */
    private volatile List<BlindSpell> pausesSeen = List.of();
    private final LongAdder pausedMillis = new LongAdder();

    /** Sources the next {@link #drainCheckpoint} writes; null until {@link #trackCheckpoints} (nobody drains it). */
    private volatile @Nullable ConcurrentLinkedQueue<Source> checkpointQueue;

    /**
     * Events decided and not yet handed to the listener (detector thread): handed over in lists at the end of each
     * tick, and every {@link #HAND_OVER_BATCH} events within a large one, so that a storm costs one queue operation per
     * list rather than per event while its first events leave early.
     */
    private final ArrayList<ChangeEvent> decided = new ArrayList<>();
    private static final int HAND_OVER_BATCH = 1024;

    private final LongAdder accepted = new LongAdder();
    private final LongAdder unknownEventName = new LongAdder();
    private final LongAdder onsets = new LongAdder();
    private final LongAdder abatements = new LongAdder();
    private final LongAdder held = new LongAdder();

    /** Admission of new sources from ingest (limits.maxSources, limits.newSourcesPerSecond); null: no limit. */
    private volatile @Nullable SourceAdmission admission;
    private volatile @Nullable EngineListener recorder;
    private volatile List<Silence> silences = List.of();
    private volatile List<Dependency> dependencies = List.of();
    /** Silences active at the last boundary check (detector thread), and when to check again. */
    private List<Silence> activeSilences = List.of();
    private long nextSilenceCheck = Long.MIN_VALUE;
    /** When to look again for monitors whose sources' period drifted (detector thread). */
    private long nextDriftCheck = Long.MIN_VALUE;
    /** MISSING sources whose ONSET is held, and why; written by the detector thread, read by views. */
    private final Map<Source, Hold> pending = new ConcurrentHashMap<>();

    /**
     * Why an ONSET is held, when to look again (0: when something changes), and the dependency parent whose outage
     * holds it (MISSING, overdue, or recovered with the child's one threshold still running), else null.
     */
    private record Hold(String reason, long recheckAt, @Nullable Source parent) {
    }

    /**
     * @param clock         time source (a manual clock in tests)
     * @param listener      receives change events on the detector thread
     * @param graceMillis   grace after a restore or an ingest resume before detection applies again; negative means
     *                      "one heartbeatInterval of the source's monitor"
     */
    public Engine(Clock clock, EngineListener listener, long graceMillis) {
        this(clock, listener, graceMillis, new Watermarks(clock));
    }

    /**
     * @param watermarks the ingest watermarks deadlines wait for (shared by the engines an HA instance creates in
     *                   turn); a channel with no part registered is judged on the clock alone
     */
    public Engine(Clock clock, EngineListener listener, long graceMillis, Watermarks watermarks) {
        this.clock = clock;
        this.listener = listener;
        this.graceOverride = graceMillis;
        this.watermarks = watermarks;
        this.wheel = new TimingWheel<>(WHEEL_BUCKETS, WHEEL_TICK_MILLIS, clock.millis());
        for (int i = 0; i <= NO_CHANNEL; i++) blind[i] = new ArrayDeque<>();
        Arrays.fill(sightSpells, new BlindSpell[0]);
    }

    public Watermarks watermarks() {
        return watermarks;
    }

    public Clock clock() {
        return clock;
    }

    // ------------------------------------------------------------------ ingest (any thread)

    /** Takes one heartbeat that arrived now. Lock-free; never blocks. */
    public Acceptance accept(Heartbeat hb, Channel channel) {
        return acceptAt(hb, channel, clock.millis());
    }

    /**
     * Takes one heartbeat that arrived at {@code arrivedAtMillis} (clamped to now), e.g. one a standby kept while it
     * could not reach the active. lastSeen never moves back, so an older one changes nothing.
     */
    public Acceptance acceptAt(Heartbeat hb, Channel channel, long arrivedAtMillis) {
        MonitorState m = monitors.get(hb.eventName());
        if (m == null) {
            unknownEventName.increment();
            return Acceptance.UNKNOWN_EVENT_NAME;
        }
        long now = Math.min(arrivedAtMillis, clock.millis());
        // ONAP's rule: lastSeen is the event's own time; one from the future, or one before 2000 (a sender without a
        // clock), is replaced by the arrival time
        long sent = hb.eventTimeMillis();
        long seen = m.monitor.timeBase() == TimeBase.ARRIVAL || sent < Heartbeat.EARLIEST_EVENT_TIME_MILLIS ? now : Math.min(sent, now);
        Source s = m.sources.get(hb.sourceName());
        if (s == null) {
            SourceAdmission a = admission;
            if (a != null && !a.admit(now, trackedSources())) return Acceptance.SOURCE_LIMIT;
            s = m.sources.computeIfAbsent(hb.sourceName(), m::newSource);
        }
        if (s.channel != channel) s.channel = channel; // a volatile write per heartbeat costs more than the read
        long previous = s.observe(seen);
        // write-behind: queue the source once its lastSeen has moved far enough past what the store holds
        if (previous >= 0 && checkpointQueue != null && seen - s.checkpointed >= m.rewriteAfter && s.claimCheckpoint()) {
            checkpointQueue.offer(s);
        }
        SourceExtras x = s.ext;
        if (x != null && previous >= 0) {
            // learn only from a live source's gaps (an outage is not an inter-arrival time); count a recovery's beats
            LivenessState st = s.state;
            Detector d = m.detector;
            if (st == LivenessState.ALIVE) {
                if (previous > 0 && d.learns()) x.learn(d, seen - previous, now - previous);
            } else if (st == LivenessState.MISSING) {
                if (previous > 0 && d.learnsWhileMissing()) x.learn(d, seen - previous, now - previous);
                x.countRecovery(previous > 0 && seen - previous <= m.threshold);
            }
        }
        // volatile write of lastSeen above, volatile read of state here: pairs with the detector's
        // "state = MISSING, then re-read lastSeen" so that a heartbeat racing an ONSET is never lost
        if (s.state != LivenessState.ALIVE && s.claimSignal()) signals.offer(s);
        accepted.increment();
        return Acceptance.ACCEPTED;
    }

    /**
     * Limits the sources that heartbeats may create from now on (restored and expected sources are not limited);
     * null for none, the default.
     */
    public void admitSourcesBy(@Nullable SourceAdmission admission) {
        this.admission = admission;
    }

    /** Sources tracked now, all monitors together. */
    public long trackedSources() {
        long n = 0;
        for (MonitorState ms : monitors.values()) n += ms.sources.size();
        return n;
    }

    /**
     * The detector itself was stalled from {@code fromMillis} to {@code toMillis} (a gap between ticks: GC, a stopped
     * process, a suspended VM): that time counts as blindness of every channel. Detector thread, before the tick.
     */
    public void selfPaused(long fromMillis, long toMillis) {
        if (toMillis <= fromMillis) return;
        pauses.addLast(new BlindSpell(fromMillis, toMillis));
        if (pauses.size() > 16) pauses.removeFirst();
        pausesSeen = List.copyOf(pauses);
        pausedMillis.add(toMillis - fromMillis);
    }

    /**
     * The detector's last 16 pauses ({@link #selfPaused}), oldest first: blind time of every channel, as the rule
     * counts it. Any thread.
     */
    public List<BlindSpell> pauses() {
        return pausesSeen;
    }

    /** Total time the detector was found paused ({@link #selfPaused}). */
    public long pausedMillisTotal() {
        return pausedMillis.sum();
    }

    /** Sources past their deadline that wait for {@code channel}'s watermark (null: sources of no known channel). */
    public int blindHeld(@Nullable Channel channel) {
        return blindCounts.get(channel == null ? NO_CHANNEL : channel.ordinal());
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
                MonitorState ms = new MonitorState(m, graceOverride);
                next.put(m.eventName(), ms);
                if (!m.detection().expectedSources().isEmpty()) work.add(() -> expect(ms));
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
        monitors = Collections.unmodifiableMap(next);
        commands.addAll(work);
        return removed;
    }

    public List<Monitor> monitors() {
        return monitors.values().stream().map(ms -> ms.monitor).toList();
    }

    /** The monitor of {@code eventName}, or null when none watches it; a map lookup (any thread). */
    public @Nullable Monitor monitor(String eventName) {
        MonitorState ms = monitors.get(eventName);
        return ms == null ? null : ms.monitor;
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
                Source s = m.sources.computeIfAbsent(snap.key().sourceName(), m::newSource);
                s.observe(snap.lastSeenMillis());
                s.checkpointed = snap.lastSeenMillis();
                if (snap.state() == LivenessState.MISSING) {
                    // stays MISSING with its outage; a heartbeat that raced the restore is handled by woken()
                    s.outageId = snap.outageId();
                    s.alarmStart = snap.alarmStartMillis();
                    s.published = true; // not stored: assume it was, so its ABATED is delivered
                    s.state = LivenessState.MISSING;
                    wheel.cancel(s);
                } else {
                    s.state = LivenessState.ALIVE;
                    wheel.schedule(s, Math.max(s.lastSeen + limit(s) + 1, now + m.grace));
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
        commands.offer(() -> {
            handOver();
            done.complete(null);
        });
        return done;
    }

    // ------------------------------------------------------------------ silences and dependencies (any thread)

    /**
     * Replaces the set of silences (API and config ones together). Applied at the next tick: a source whose ONSET a
     * removed or ended silence was holding gets it published then, if still MISSING and nothing else holds it.
     */
    public void setSilences(Collection<Silence> newSilences) {
        List<Silence> copy = List.copyOf(newSilences);
        commands.offer(() -> {
            silences = copy;
            nextSilenceCheck = Long.MIN_VALUE;
        });
    }

    public List<Silence> silences() {
        return silences;
    }

    /** Replaces the dependency rules; applied at the next tick (held ONSETs are looked at again). */
    public void setDependencies(Collection<Dependency> rules) {
        List<Dependency> copy = List.copyOf(rules);
        commands.offer(() -> {
            dependencies = copy;
            releaseAll(clock.millis());
        });
    }

    public List<Dependency> dependencies() {
        return dependencies;
    }

    // ------------------------------------------------------------------ detector (one thread)

    /** Runs pending commands, processes woken sources and fires due deadlines. Detector thread only. */
    public void tick() {
        try {
            Runnable c;
            while ((c = commands.poll()) != null) c.run();
            long now = clock.millis();
            look();
            if (now >= nextSilenceCheck) checkSilences(now);
            if (now >= nextDriftCheck) checkDrift(now);
            Source s;
            while ((s = signals.poll()) != null) woken(s, now);
            wheel.advance(now, this::expired);
            recheckBlind(now);
        } finally {
            handOver();
        }
    }

    /** Hands the events decided so far to the listener (and the recorder), in decision order. Detector thread. */
    private void handOver() {
        if (decided.isEmpty()) return;
        try {
            listener.onChanges(decided);
            EngineListener r = recorder;
            if (r != null) {
                for (ChangeEvent e : decided) {
                    if (!e.published() && !ChangeEvent.ALIVE.equals(e.kind())) r.onChange(e);
                }
            }
        } finally {
            decided.clear();
        }
    }

    /** Reads every channel's watermark and blind spells once per tick. */
    private void look() {
        long all = Long.MAX_VALUE;
        List<BlindSpell> allSpells = new ArrayList<>(pauses);
        List<Watermark> parts = watermarks.parts();
        for (Channel ch : Channel.values()) {
            long w = Long.MAX_VALUE;
            List<BlindSpell> spells = null;
            Set<Channel> judgedOn = watermarks.judgedOn(ch); // the channel and those routed into it
            for (Watermark part : parts) {
                if (!judgedOn.contains(part.channel())) continue;
                w = Math.min(w, part.millis());
                List<BlindSpell> ps = part.spells();
                if (!ps.isEmpty()) {
                    if (spells == null) spells = new ArrayList<>(pauses);
                    spells.addAll(ps);
                    if (part.channel() == ch) allSpells.addAll(ps); // a routed part's spells are its own channel's too
                }
            }
            int i = ch.ordinal();
            sightMillis[i] = w;
            sightSpells[i] = (spells == null ? allSpells.subList(0, pauses.size()) : spells).toArray(BlindSpell[]::new);
            all = Math.min(all, w);
        }
        sightMillis[NO_CHANNEL] = all;
        sightSpells[NO_CHANNEL] = allSpells.toArray(BlindSpell[]::new);
    }

    private static int slot(@Nullable Channel ch) {
        return ch == null ? NO_CHANNEL : ch.ordinal();
    }

    /**
     * Blind time after {@code since} in {@code slot}'s spells (their union: a pause seen by the detector and by a
     * channel at once counts once).
     */
    private long blindAfter(int slot, long since) {
        BlindSpell[] spells = sightSpells[slot];
        if (spells.length == 0) return 0;
        long[][] cut = new long[spells.length][];
        int n = 0;
        for (BlindSpell sp : spells) {
            if (sp.toMillis() > since) cut[n++] = new long[] {Math.max(sp.fromMillis(), since), sp.toMillis()};
        }
        if (n == 0) return 0;
        Arrays.sort(cut, 0, n, (a, b) -> Long.compare(a[0], b[0]));
        long total = 0, from = cut[0][0], to = cut[0][1];
        for (int i = 1; i < n; i++) {
            if (cut[i][0] > to) {
                total += to - from;
                from = cut[i][0];
            }
            to = Math.max(to, cut[i][1]);
        }
        return total + (to - from);
    }

    /**
     * The evidence rule for a source past its plain deadline {@code due} (silent since {@code since}): the deadline
     * moved later by the blind time since then, and whether the channel's watermark has passed it.
     *
     * @return true when the ONSET may be decided now; false when the source was re-armed or held blind here
     */
    private boolean heardEnough(Source s, long since, long due, long now) {
        int slot = slot(s.channel);
        long deadline = due + blindAfter(slot, since);
        if (now < deadline) {
            wheel.schedule(s, deadline); // blind time does not count as silence
            return false;
        }
        if (sightMillis[slot] < deadline) {
            if (!s.blind) {
                s.blind = true;
                blind[slot].addLast(s);
                blindCounts.set(slot, blind[slot].size());
            }
            return false;
        }
        return true;
    }

    /** Looks again at held-blind sources of every channel whose watermark moved. */
    private void recheckBlind(long now) {
        for (int i = 0; i <= NO_CHANNEL; i++) {
            ArrayDeque<Source> q = blind[i];
            if (q.isEmpty() || sightMillis[i] == blindCheckedAt[i]) continue;
            blindCheckedAt[i] = sightMillis[i];
            for (int n = q.size(); n > 0; n--) {
                Source s = q.pollFirst();
                s.blind = false;
                expired(s, now); // held again at the back when the watermark is still short of its deadline
            }
            blindCounts.set(i, q.size());
        }
    }

    /** The silence limit of {@code s} under its monitor's detector. */
    private static long limit(Source s) {
        MonitorState m = s.monitor;
        SourceExtras x = s.ext;
        return m.detector.silenceLimitMillis(x == null ? m.detector.initialState() : x.stats);
    }

    private void woken(Source s, long now) {
        s.signalled = false;
        if (s.monitor.removed) return;
        switch (s.state) {
            case UNKNOWN -> {
                if (s.lastSeen == 0) return;
                s.state = LivenessState.ALIVE;
                s.alarmStart = 0;
                arm(s, now);
                emit(s, LivenessState.UNKNOWN, LivenessState.ALIVE, now, null, 0, 0, "first heartbeat",
                        ChangeEvent.ALIVE, false);
            }
            case MISSING -> {
                if (now - s.lastSeen > limit(s)) return; // a stale, old heartbeat: still missing
                SourceExtras x = s.ext;
                int needed = s.monitor.rules.recoveryHeartbeats();
                if (needed > 1 && x != null && x.recoveries < needed) return; // not enough heartbeats in a row yet
                if (x != null) x.recoveries = 0;
                abate(s, now, "heartbeat received" + (needed > 1 ? " (" + needed + " in a row)" : ""));
            }
            case ALIVE -> {
            }
        }
    }

    private void expired(Source s, long now) {
        if (s.monitor.removed) return;
        switch (s.state) {
            case ALIVE -> aliveDue(s, now);
            case MISSING -> missingDue(s, now);
            case UNKNOWN -> expectedDue(s, now);
        }
    }

    private void aliveDue(Source s, long now) {
        MonitorState m = s.monitor;
        checkFlapEnd(s, now);
        long limit = limit(s);
        long seen = s.lastSeen;
        if (now - seen <= limit) {
            arm(s, now);
            return;
        }
        if (!heardEnough(s, seen, seen + limit + 1, now)) return;
        s.state = LivenessState.MISSING;
        if (now - s.lastSeen <= limit) { // a heartbeat landed while we decided: not missing after all
            s.state = LivenessState.ALIVE;
            arm(s, now);
            return;
        }
        // a learning detector at its upper bound decides by ONAP's rule: say so in ONAP's words
        String why = m.detector.learns() && limit < m.threshold
                ? "silent " + (now - s.lastSeen) + " ms > learnt limit " + limit + " ms (" + m.rules.detector().type()
                        + ", upper bound " + m.monitor.missedHeartbeats() + " x " + m.interval + " ms)"
                : "silent " + (now - s.lastSeen) + m.onsetReasonTail;
        onset(s, LivenessState.ALIVE, now, why);
    }

    private void expectedDue(Source s, long now) {
        MonitorState m = s.monitor;
        if (s.lastSeen != 0 || s.alarmStart == 0) return; // heard from meanwhile: woken() takes it
        if (now - s.alarmStart <= m.threshold) {
            wheel.schedule(s, s.alarmStart + m.threshold + 1);
            return;
        }
        if (!heardEnough(s, s.alarmStart, s.alarmStart + m.threshold + 1, now)) return;
        s.state = LivenessState.MISSING;
        if (s.lastSeen != 0) { // its first heartbeat raced us: let woken() make it ALIVE
            s.state = LivenessState.UNKNOWN;
            return;
        }
        onset(s, LivenessState.UNKNOWN, now, "expected source never heard from in " + (now - s.alarmStart) + " ms > "
                + m.monitor.missedHeartbeats() + " x " + m.interval + " ms");
    }

    private void missingDue(Source s, long now) {
        checkFlapEnd(s, now);
        Hold h = pending.get(s);
        if (h != null && h.recheckAt > 0 && now >= h.recheckAt) release(s, now);
        if (s.state == LivenessState.MISSING) arm(s, now);
    }

    /** Schedules the next look at {@code s} for its state, or cancels it when nothing is due. */
    private void arm(Source s, long now) {
        long at = Long.MAX_VALUE;
        switch (s.state) {
            case ALIVE -> at = s.lastSeen + limit(s) + 1;
            case UNKNOWN -> {
                if (s.alarmStart > 0) at = s.alarmStart + s.monitor.threshold + 1;
            }
            case MISSING -> {
                Hold h = pending.get(s);
                if (h != null && h.recheckAt > 0) at = h.recheckAt;
            }
        }
        SourceExtras x = s.ext;
        if (x != null && x.flapping) at = Math.min(at, x.lastChange + s.monitor.rules.flapping().window().toMillis());
        if (at == Long.MAX_VALUE) wheel.cancel(s);
        else wheel.schedule(s, at);
    }

    /** A new outage: decided now, published unless something holds it. */
    private void onset(Source s, LivenessState from, long now, String why) {
        String outage = randomId();
        s.alarmStart = now;
        s.outageId = outage;
        onsets.increment();
        boolean startsFlapping = recordChange(s, now);
        if (startsFlapping) s.ext.flapping = true; // the change that starts flapping is already held
        Hold h = holdOf(s, now);
        s.published = h == null;
        if (h == null) {
            emit(s, from, LivenessState.MISSING, now, outage, now, 0, why, ChangeEvent.ONSET, true);
        } else {
            held.increment();
            pending.put(s, h);
            emit(s, from, LivenessState.MISSING, now, outage, now, 0, why + "; held: " + h.reason, ChangeEvent.ONSET, false);
        }
        if (startsFlapping) flapStart(s, now);
        arm(s, now);
    }

    /** The end of the current outage: published exactly when its ONSET was. */
    private void abate(Source s, long now, String why) {
        String outage = s.outageId;
        long start = s.alarmStart;
        boolean wasPublished = s.published;
        s.state = LivenessState.ALIVE;
        s.outageId = null;
        s.alarmStart = 0;
        s.published = false;
        Hold h = pending.remove(s);
        abatements.increment();
        boolean startsFlapping = recordChange(s, now);
        emit(s, LivenessState.MISSING, LivenessState.ALIVE, now, outage, start, now,
                wasPublished ? why : why + "; not published: its ONSET was held (" + (h == null ? "held" : h.reason) + ")",
                ChangeEvent.ABATED, wasPublished);
        if (startsFlapping) flapStart(s, now);
        arm(s, now);
        if (!pending.isEmpty() && !dependencies.isEmpty()) parentRecovered(s, now);
    }

    /** Why {@code s}'s ONSET must be held now, or null to publish it. */
    private @Nullable Hold holdOf(Source s, long now) {
        SourceKey key = null;
        for (Silence sil : activeSilences) {
            if (key == null) key = s.key();
            if (sil.matcher().matches(key) && sil.window().activeAt(now)) {
                return new Hold("silence " + sil.id() + (sil.comment() == null ? "" : " (" + sil.comment() + ")"), 0, null);
            }
        }
        for (Dependency d : dependencies) {
            if (key == null) key = s.key();
            if (!d.appliesTo(key)) continue;
            Source parent = find(d.parent());
            if (parent == null) continue;
            if (parent.state == LivenessState.MISSING) {
                return new Hold(DependencyHold.reason(d.parent(), DependencyHold.MISSING), 0, parent);
            }
            if (parent.state == LivenessState.ALIVE && now - parent.lastSeen > parent.monitor.interval) {
                // the parent missed a heartbeat and its own verdict is still to come: wait for it
                long verdict = parent.lastSeen + limit(parent) + 1;
                return new Hold(DependencyHold.reason(d.parent(), DependencyHold.OVERDUE), Math.max(verdict, now) + WHEEL_TICK_MILLIS, parent);
            }
        }
        SourceExtras x = s.ext;
        if (x != null && x.flapping) return new Hold("flapping", 0, null);
        return null;
    }

    private @Nullable Source find(SourceKey key) {
        MonitorState ms = monitors.get(key.eventName());
        return ms == null ? null : ms.sources.get(key.sourceName());
    }

    /** Publishes {@code s}'s held ONSET if it is still MISSING and nothing holds it any more. */
    private void release(Source s, long now) {
        if (s.state != LivenessState.MISSING || s.published) {
            pending.remove(s);
            return;
        }
        Hold h = holdOf(s, now);
        if (h != null) {
            pending.put(s, h);
            arm(s, now);
            return;
        }
        pending.remove(s);
        s.published = true;
        emit(s, LivenessState.ALIVE, LivenessState.MISSING, now, s.outageId, s.alarmStart, 0,
                "held ONSET released: still missing (silent " + (now - s.lastSeen) + " ms)", ChangeEvent.ONSET, true);
        arm(s, now);
    }

    private void releaseAll(long now) {
        if (pending.isEmpty()) return;
        for (Source s : new ArrayList<>(pending.keySet())) release(s, now);
    }

    /** A parent came back: its held children get one threshold to come back too before their ONSET is published. */
    private void parentRecovered(Source parent, long now) {
        for (Map.Entry<Source, Hold> e : new ArrayList<>(pending.entrySet())) {
            Hold h = e.getValue();
            if (h.parent != parent) continue;
            Source child = e.getKey();
            pending.put(child, new Hold(DependencyHold.reason(parent.key(), DependencyHold.RECOVERED),
                    now + child.monitor.threshold + 1, parent));
            arm(child, now);
        }
    }

    private void checkSilences(long now) {
        List<Silence> all = silences;
        List<Silence> active = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Silence sil : all) {
            if (sil.window().activeAt(now)) active.add(sil);
            next = Math.min(next, sil.window().nextBoundaryAfter(now));
        }
        boolean someEnded = !active.containsAll(activeSilences);
        activeSilences = List.copyOf(active);
        nextSilenceCheck = next;
        if (someEnded) releaseAll(now);
    }

    /** Logs once per monitor (and configuration) that its senders' period is far from heartbeatInterval. */
    private void checkDrift(long now) {
        nextDriftCheck = now + 1000;
        for (MonitorState ms : monitors.values()) {
            if (ms.driftLogged || !(ms.detector instanceof AdaptiveDetector a) || a.driftingSources() == 0) continue;
            ms.driftLogged = true;
            log.warn("monitor {}: {} source(s) send heartbeats about every {} ms, far from its heartbeatInterval of {} ms; "
                            + "detection stays capped at {} x {} ms, so they may be reported MISSING between heartbeats. "
                            + "Set heartbeatInterval to the senders' period (or fix the senders); "
                            + "vigil_detector_period_drift_sources counts them", ms.monitor.eventName(), a.driftingSources(),
                    a.driftPeriodMillis(), ms.interval, ms.monitor.missedHeartbeats(), ms.interval);
        }
    }

    // ------------------------------------------------------------------ flapping (detector thread)

    /** Records a state change; true when it starts flapping. */
    private boolean recordChange(Source s, long now) {
        FlapRule rule = s.monitor.rules.flapping();
        SourceExtras x = s.ext;
        if (rule == null || x == null) return false;
        return x.recordChange(now, rule.changes(), rule.window().toMillis()) && !x.flapping;
    }

    private void flapStart(Source s, long now) {
        s.ext.flapping = true;
        FlapRule rule = s.monitor.rules.flapping();
        emit(s, s.state, s.state, now, s.outageId, s.alarmStart, 0, rule.changes() + " state changes within "
                + rule.window().toMillis() + " ms: notifications held until it is stable for that long",
                ChangeEvent.FLAPPING_START, false);
    }

    private void checkFlapEnd(Source s, long now) {
        SourceExtras x = s.ext;
        if (x == null || !x.flapping) return;
        long window = s.monitor.rules.flapping().window().toMillis();
        if (now - x.lastChange < window) return;
        x.flapping = false;
        x.changeCount = 0;
        emit(s, s.state, s.state, now, s.outageId, s.alarmStart, 0, "stable for " + (now - x.lastChange) + " ms",
                ChangeEvent.FLAPPING_END, false);
        if (pending.containsKey(s)) release(s, now);
    }

    // ------------------------------------------------------------------ configuration (detector thread)

    private void expect(MonitorState ms) {
        long now = clock.millis();
        for (String name : ms.rules.expectedSources()) {
            Source s = ms.sources.computeIfAbsent(name, ms::newSource);
            if (s.state == LivenessState.UNKNOWN && s.lastSeen == 0 && s.alarmStart == 0) {
                s.alarmStart = now;
                arm(s, now);
            }
        }
    }

    private void reconfigure(MonitorState ms, Monitor m) {
        DetectionRules before = ms.rules;
        ms.update(m, graceOverride);
        long now = clock.millis();
        List<String> expected = ms.rules.expectedSources();
        for (Source s : ms.sources.values()) {
            if (ms.extras && s.ext == null) s.ext = new SourceExtras(ms.detector.initialState());
            else if (s.ext != null && (!before.detector().equals(ms.rules.detector()) || ms.detector instanceof AdaptiveDetector)) {
                // adaptive state is in units of the interval and its fleet evidence starts again: learn anew
                s.ext.stats = ms.detector.initialState();
            }
            // a never-heard source that is no longer expected is forgotten (its alarm, if any, closed)
            if (s.lastSeen == 0 && !expected.contains(s.name)) {
                wheel.cancel(s);
                if (s.state == LivenessState.MISSING) abate(s, now, "no longer expected");
                wheel.cancel(s);
                ms.sources.remove(s.name);
                continue;
            }
            if (s.state == LivenessState.ALIVE) arm(s, now);
        }
        expect(ms);
    }

    private void close(MonitorState ms) {
        long now = clock.millis();
        for (Source s : ms.sources.values()) {
            wheel.cancel(s);
            if (s.state == LivenessState.MISSING) {
                abate(s, now, "monitor removed");
                wheel.cancel(s);
            }
            pending.remove(s);
        }
        ms.sources.clear();
    }

    private void emit(Source s, LivenessState from, LivenessState to, long now, @Nullable String outage, long start, long end,
                      String reason, ChangeKind kind, boolean published) {
        decided.add(new ChangeEvent(eventId(now), s.key(), from, to, now, s.lastSeen,
                outage, start, end, reason, kind, published));
        if (decided.size() >= HAND_OVER_BATCH) handOver();
    }

    /**
     * Also hands every recorded-but-unpublished event (held ONSET/ABATED, FLAPPING_START/END) to {@code recorder},
     * after the main listener has taken the list it is in, on the detector thread (so it must be quick). Null removes
     * it.
     */
    public void setRecorder(@Nullable EngineListener recorder) {
        this.recorder = recorder;
    }

    // ------------------------------------------------------------------ views (any thread)

    /** Sources matching the filters (null = any), at most {@code limit}. Weakly consistent. */
    public List<SourceView> sources(@Nullable String eventName, @Nullable LivenessState state, int limit) {
        return sources(eventName, state, null, limit);
    }

    /**
     * Sources matching the filters (null = any), at most {@code limit}; {@code flapping} keeps only those that are
     * (true) or are not (false) FLAPPING. The limit counts matching sources only. Weakly consistent.
     */
    public List<SourceView> sources(@Nullable String eventName, @Nullable LivenessState state, @Nullable Boolean flapping, int limit) {
        List<SourceView> out = new ArrayList<>();
        for (MonitorState ms : monitors.values()) {
            if (eventName != null && !eventName.equals(ms.monitor.eventName())) continue;
            for (Source s : ms.sources.values()) {
                if (out.size() >= limit) return out;
                LivenessState st = s.state;
                if (state != null && st != state) continue;
                if (flapping != null && isFlapping(s) != flapping) continue;
                out.add(view(s, st));
            }
        }
        return out;
    }

    /**
     * One page of the sources table: the sources matching {@code q}'s filters, in its order, from its offset. One
     * pass over all sources; with an order, a bounded heap keeps the best {@code offset + limit} of them, so the cost
     * is O(n log(offset + limit)) time and O(offset + limit) memory (about 60 ms for 1M sources on one core, see
     * docs/dashboard.md). Weakly consistent: sources that change during the pass may show either value.
     */
    public SourcePage query(SourceQuery q) {
        long now = clock.millis();
        int window = (int) Math.min(Integer.MAX_VALUE - 8, (long) q.offset() + q.limit());
        long total = 0;
        List<Source> unordered = new ArrayList<>();
        Comparator<Ranked> order = rankOrder(q.order(), q.descending());
        PriorityQueue<Ranked> best = new PriorityQueue<>(Math.min(window, 4096) + 1, order.reversed());
        for (MonitorState ms : monitors.values()) {
            if (q.eventName() != null && !q.eventName().equals(ms.monitor.eventName())) continue;
            for (Source s : ms.sources.values()) {
                if (q.state() != null && s.state != q.state()) continue;
                if (q.flapping() != null && isFlapping(s) != q.flapping()) continue;
                if (q.channel() != null && s.channel != q.channel()) continue;
                if (q.text() != null && !containsIgnoreCase(s.name, q.text())) continue;
                total++;
                if (q.order() == SourceQuery.SourceOrder.NONE) {
                    if (total > q.offset() && unordered.size() < q.limit()) unordered.add(s);
                    continue;
                }
                Ranked r = new Ranked(s, rank(s, q.order(), now));
                if (best.size() < window) {
                    best.add(r);
                } else if (order.compare(r, best.peek()) < 0) {
                    best.poll();
                    best.add(r);
                }
            }
        }
        List<SourceView> page = new ArrayList<>(Math.min(q.limit(), Math.max(unordered.size(), best.size())));
        if (q.order() == SourceQuery.SourceOrder.NONE) {
            for (Source s : unordered) page.add(view(s, s.state));
        } else {
            Ranked[] sorted = best.toArray(new Ranked[0]);
            Arrays.sort(sorted, order);
            for (int i = q.offset(); i < sorted.length; i++) page.add(view(sorted[i].source, sorted[i].source.state));
        }
        return new SourcePage(total, page);
    }

    /** A source with its sort key, taken once so that the heap stays consistent while the source changes. */
    private record Ranked(Source source, double key) {
    }

    private double rank(Source s, SourceQuery.SourceOrder order, long now) {
        return switch (order) {
            case NONE, NAME -> 0;
            case LAST_SEEN -> s.lastSeen;
            case STATE -> s.state.ordinal();
            case SUSPICION -> {
                if (s.lastSeen == 0) yield 0;
                SourceExtras x = s.ext;
                MonitorState m = s.monitor;
                yield m.detector.suspicion(x == null ? m.detector.initialState() : x.stats, now - s.lastSeen);
            }
        };
    }

    /** By key (reversed when descending), then eventName and sourceName ascending, so pages never overlap. */
    private static Comparator<Ranked> rankOrder(SourceQuery.SourceOrder order, boolean descending) {
        Comparator<Ranked> byName = Comparator.<Ranked, String>comparing(r -> r.source.monitor.monitor.eventName())
                .thenComparing(r -> r.source.name);
        if (order == SourceQuery.SourceOrder.NAME) return descending ? byName.reversed() : byName;
        Comparator<Ranked> byKey = Comparator.comparingDouble(Ranked::key);
        return (descending ? byKey.reversed() : byKey).thenComparing(byName);
    }

    private static boolean containsIgnoreCase(String haystack, String needle) {
        int n = needle.length();
        for (int i = 0, last = haystack.length() - n; i <= last; i++) {
            if (haystack.regionMatches(true, i, needle, 0, n)) return true;
        }
        return false;
    }

    private static boolean isFlapping(Source s) {
        SourceExtras x = s.ext;
        return x != null && x.flapping;
    }

    /** The source's view, or null when it is not tracked. */
    public @Nullable SourceView source(SourceKey key) {
        MonitorState ms = monitors.get(key.eventName());
        Source s = ms == null ? null : ms.sources.get(key.sourceName());
        return s == null ? null : view(s, s.state);
    }

    private SourceView view(Source s, LivenessState st) {
        boolean armed = st == LivenessState.ALIVE;
        long limit = limit(s);
        SourceExtras x = s.ext;
        Hold h = st == LivenessState.MISSING ? pending.get(s) : null;
        MonitorState m = s.monitor;
        double suspicion = s.lastSeen == 0 ? 0
                : m.detector.suspicion(x == null ? m.detector.initialState() : x.stats, clock.millis() - s.lastSeen);
        return new SourceView(s.key(), st, s.lastSeen, s.channel, st == LivenessState.MISSING ? s.outageId : null,
                st == LivenessState.MISSING ? s.alarmStart : 0, armed ? s.lastSeen + limit + 1 : 0, x != null && x.flapping,
                h == null ? null : h.reason, h == null || h.parent == null ? null : h.parent.key(), suspicion);
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

    /** Number of sources per monitor (eventName) and state; every state present, zero included. Weakly consistent. */
    /**
     * Sources tracked per monitor (eventName), in any state: what ONAP keeps as the source count of
     * {@code vnf_table_1}. O(monitors).
     */
    public Map<String, Integer> sourceCountsByMonitor() {
        Map<String, Integer> out = new HashMap<>();
        for (MonitorState ms : monitors.values()) out.put(ms.monitor.eventName(), ms.sources.size());
        return out;
    }

    public Map<String, Map<LivenessState, Long>> countsByMonitor() {
        Map<String, Map<LivenessState, Long>> out = new HashMap<>();
        for (MonitorState ms : monitors.values()) {
            long[] c = new long[LivenessState.values().length];
            for (Source s : ms.sources.values()) c[s.state.ordinal()]++;
            Map<LivenessState, Long> m = new EnumMap<>(LivenessState.class);
            for (LivenessState st : LivenessState.values()) m.put(st, c[st.ordinal()]);
            out.put(ms.monitor.eventName(), m);
        }
        return out;
    }

    /**
     * Hands every source whose lastSeen moved at all since it was last written to {@code sink}, as a snapshot, and
     * remembers it as written: the exact checkpoint of a clean stop or a partition hand-over. O(sources). Call from
     * the checkpointer thread only.
     */
    public int drainDirty(Consumer<SourceSnapshot> sink) {
        int n = 0;
        for (MonitorState ms : monitors.values()) {
            for (Source s : ms.sources.values()) {
                if (writeBehind(s, sink)) n++;
            }
        }
        return n;
    }

    /**
     * From now on, ingest queues the sources that the periodic checkpoint must write ({@link #drainCheckpoint}).
     * Call once, before ingest, on an engine whose checkpoints are drained; without it nothing is queued.
     */
    public void trackCheckpoints() {
        if (checkpointQueue == null) checkpointQueue = new ConcurrentLinkedQueue<>();
    }

    /**
     * The periodic write-behind checkpoint: hands {@code sink} only the sources whose lastSeen moved by at least
     * half their monitor's threshold past the value last written (a new source: its first heartbeat), as snapshots,
     * and remembers them as written. Its cost follows what changed, not the number of sources: ingest queues a
     * source once when it crosses that bound, and this drains the queue. A source beating every second under a 3 ×
     * 60 s monitor is written every 90 s, not every second; so the store's lastSeen of a live source is at most half
     * a threshold (plus one checkpoint period) behind. {@link #drainDirty} writes the exact values (clean stop).
     * Transitions are not this method's business: they are written with their change events. Requires
     * {@link #trackCheckpoints}; call from the checkpointer thread only.
     *
     * @return how many snapshots were handed over
     */
    public int drainCheckpoint(Consumer<SourceSnapshot> sink) {
        ConcurrentLinkedQueue<Source> q = checkpointQueue;
        if (q == null) return 0;
        int n = 0;
        // sources queued again while this runs wait for the next call: at most one visit per tracked source
        long budget = trackedSources() + 1024;
        Source s;
        while (budget-- > 0 && (s = q.poll()) != null) {
            // cleared before lastSeen is read: a heartbeat after this is either read below or queues the source again
            s.queuedForCheckpoint = false;
            if (s.monitor.removed) continue;
            if (writeBehind(s, sink)) n++;
        }
        return n;
    }

    /**
     * Remembers that the store holds {@code lastSeenMillis} for {@code key}: a change event of that source was
     * committed with it. The checkpoint then leaves the source out until its lastSeen moves again, instead of writing
     * the same row a second time (a new source's first heartbeat queues it for the checkpoint and raises a first-seen
     * event, which writes its row too). Call from the checkpointer thread only, and only after the commit.
     */
    public void written(SourceKey key, long lastSeenMillis) {
        MonitorState m = monitors.get(key.eventName());
        Source s = m == null ? null : m.sources.get(key.sourceName());
        if (s != null && lastSeenMillis > s.checkpointed) s.checkpointed = lastSeenMillis;
    }

    /** Hands {@code s}'s durable state to {@code sink} if its lastSeen moved since it was last written. */
    private static boolean writeBehind(Source s, Consumer<SourceSnapshot> sink) {
        long seen = s.lastSeen;
        if (seen == s.checkpointed) return false;
        LivenessState st = s.state;
        String outage = s.outageId;
        // a MISSING without its outage id is the detector's tentative decision (see expired): still ALIVE
        if (st == LivenessState.MISSING && outage == null) st = LivenessState.ALIVE;
        if (st == LivenessState.UNKNOWN) st = LivenessState.ALIVE;
        sink.accept(new SourceSnapshot(s.key(), st, seen, st == LivenessState.MISSING ? outage : null,
                st == LivenessState.MISSING ? s.alarmStart : 0));
        s.checkpointed = seen;
        return true;
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

    /** ONSETs decided but held (silence, dependency, flapping) since start. */
    public long heldCount() {
        return held.sum();
    }

    /** Sources whose ONSET is held right now. */
    public int heldNow() {
        return pending.size();
    }

    /**
     * Sources whose observed heartbeat period is more than 1.5 × away (either way) from their monitor's
     * heartbeatInterval, as learnt by the adaptive detector (other detectors do not learn the period).
     */
    public int periodDriftSources() {
        int n = 0;
        for (MonitorState ms : monitors.values()) if (ms.detector instanceof AdaptiveDetector a) n += a.driftingSources();
        return n;
    }

    public int scheduledCount() {
        return wheel.size();
    }

    private static final java.util.concurrent.atomic.AtomicLong EVENT_SEQUENCE =
            new java.util.concurrent.atomic.AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextLong());

    /**
     * A change event's id: a version 7 UUID, the decision time (ms) in its top 48 bits, then 20 bits of a
     * per-process sequence, then 54 random bits. Ids of events decided later sort later, so the outbox's unique index
     * on {@code event_id} takes each insert at its end instead of at a random place: ≈ 2× cheaper per outbox row on
     * H2 in a storm (docs/benchmarks.md § 5). Unique within a process by time and sequence (1M ids per millisecond
     * before the sequence wraps, plus the random bits) and across processes by the 54 random bits.
     */
    public static String eventId(long atMillis) {
        long seq = EVENT_SEQUENCE.getAndIncrement();
        long random = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        long msb = (atMillis << 16) | 0x7000L | ((seq >>> 8) & 0x0FFFL);
        long lsb = 0x8000000000000000L | ((seq & 0xFFL) << 54) | (random & 0x003FFFFFFFFFFFFFL);
        return new UUID(msb, lsb).toString();
    }

    /**
     * A random (version 4) UUID from {@link java.util.concurrent.ThreadLocalRandom}: event and outage ids need to be
     * unique, not unguessable, and {@code UUID.randomUUID()}'s SecureRandom costs ~15x more per ONSET in a storm.
     */
    static String randomId() {
        var r = java.util.concurrent.ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}

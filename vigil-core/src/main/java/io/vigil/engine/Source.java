package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import io.vigil.ingest.Channel;
import io.vigil.timing.TimingWheel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One tracked source. Kept small on purpose (about 80 bytes plus its name): a million of these must fit the
 * heap budget. {@link #lastSeen} and {@link #channel} are written by ingest threads (and {@link #ext}'s learning
 * fields); everything else by the detector thread only. State needed only by some monitors lives in {@link #ext}.
 */
final class Source extends TimingWheel.Entry {
    private static final VarHandle LAST_SEEN;
    private static final VarHandle SIGNALLED;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            LAST_SEEN = l.findVarHandle(Source.class, "lastSeen", long.class);
            SIGNALLED = l.findVarHandle(Source.class, "signalled", boolean.class);
            QUEUED = l.findVarHandle(Source.class, "queuedForCheckpoint", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String name;
    final MonitorState monitor;
    volatile long lastSeen;
    volatile @Nullable Channel channel;
    volatile LivenessState state = LivenessState.UNKNOWN;
    volatile @Nullable String outageId;
    /** While MISSING: the outage start. While UNKNOWN and expected: since when it is expected. */
    volatile long alarmStart;
    /** While MISSING: the current outage's ONSET was published (so its ABATED must be). */
    boolean published;
    /** Learning detector state, recovery count, flap history; null for a monitor with ONAP's defaults. */
    volatile @Nullable SourceExtras ext;
    /** The engine has been asked to look at this source (it left UNKNOWN or MISSING); cleared by the detector. */
    volatile boolean signalled;
    /** Past its deadline and waiting for its channel's watermark (in the engine's blind queue); detector thread. */
    boolean blind;
    /** lastSeen as last written to the store; written by the checkpointer, read by ingest threads. */
    volatile long checkpointed;
    /** In the engine's checkpoint queue; set by the ingest thread that queues it, cleared by the checkpointer. */
    volatile boolean queuedForCheckpoint;

    Source(String name, MonitorState monitor) {
        this.name = name;
        this.monitor = monitor;
    }

    /**
     * Moves lastSeen forward to {@code t}; an older, out-of-order heartbeat never moves it back.
     *
     * @return the lastSeen this call moved forward from, or -1 when it did not move it
     */
    long observe(long t) {
        long cur;
        while ((cur = lastSeen) < t) {
            if (LAST_SEEN.weakCompareAndSet(this, cur, t)) return cur;
        }
        return -1;
    }

    /** True for the one caller that must wake the detector. */
    boolean claimSignal() {
        return !signalled && SIGNALLED.compareAndSet(this, false, true);
    }

    /** True for the one caller that must queue this source for the next checkpoint. */
    boolean claimCheckpoint() {
        return !queuedForCheckpoint && QUEUED.compareAndSet(this, false, true);
    }

    SourceKey key() {
        return new SourceKey(monitor.monitor.eventName(), name);
    }
}

package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-source state that only some monitors need (a learning detector, recovery hysteresis, flap detection), kept out
 * of {@link Source} so that a source of a default monitor pays one null reference for it. About 48 bytes, plus
 * 8 bytes per {@code flapping.changes} when flap detection is on.
 */
final class SourceExtras {
    private static final VarHandle STATS;
    private static final VarHandle RECOVERIES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATS = l.findVarHandle(SourceExtras.class, "stats", long.class);
            RECOVERIES = l.findVarHandle(SourceExtras.class, "recoveries", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The detector's packed per-source state; updated by ingest threads with a CAS. */
    volatile long stats;
    /** Heartbeats in a row while MISSING; written by ingest threads, reset by the detector. */
    volatile int recoveries;
    /** Times of the last state changes (ring), detector thread only. */
    long @Nullable [] changes;
    int nextChange;
    int changeCount;
    long lastChange;
    volatile boolean flapping;

    SourceExtras(long stats) {
        this.stats = stats;
    }

    void learn(io.vigil.detect.Detector d, long intervalMillis, long silenceMillis) {
        long cur;
        do {
            cur = stats;
        } while (!STATS.weakCompareAndSet(this, cur, d.observe(cur, intervalMillis, silenceMillis)));
    }

    /** Counts one more heartbeat of a MISSING source: in a row when it came within {@code limit} of the previous. */
    void countRecovery(boolean inARow) {
        if (inARow) RECOVERIES.getAndAdd(this, 1);
        else recoveries = 1;
    }

    /**
     * Records a state change at {@code now}; true when that makes {@code limit} changes within {@code window}.
     */
    boolean recordChange(long now, int limit, long window) {
        if (changes == null || changes.length != limit) {
            changes = new long[limit];
            nextChange = 0;
            changeCount = 0;
        }
        changes[nextChange] = now;
        nextChange = (nextChange + 1) % limit;
        if (changeCount < limit) changeCount++;
        lastChange = now;
        // after the write, nextChange points at the oldest of the last `limit` changes
        return changeCount == limit && now - changes[nextChange] <= window;
    }
}

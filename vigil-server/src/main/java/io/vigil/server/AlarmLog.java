package io.vigil.server;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.ChangeKind;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * The log lines of written ONSET/ABATED events: one INFO line per event while they are few, a summary line per
 * second in a storm.
 *
 * <p>In each second (of the given clock) the first {@code perSecond} alarms get their own INFO line, as before
 * issue 14. The ones after that are logged at DEBUG only (same line), and once the second is over one INFO line
 * counts them by kind. So 100k sources silent at once give a few lines and a summary instead of 100k synchronous
 * INFO lines on the journal thread (≈ 6 % of its time in a storm, docs/benchmarks.md § 5); with DEBUG on for this
 * logger every event is still there.
 *
 * <p>The summary of a second is written by the first alarm of a later second, or by {@link #flush} (the server calls
 * it every second), whichever comes first. Thread-safe.
 */
final class AlarmLog {
    private final Logger log;
    private final LongSupplier clockMillis;
    private final int perSecond;
    /** Start of the current second; far in the past before the first alarm (no overflow in {@code now - windowStart}). */
    private long windowStart = Long.MIN_VALUE / 2;
    private int inWindow;
    private long quietOnsets;
    private long quietAbated;

    /**
     * @param perSecond alarms per second logged one by one at INFO; the rest of the second's go to DEBUG and the
     *                  summary
     */
    AlarmLog(Logger log, LongSupplier clockMillis, int perSecond) {
        this.log = log;
        this.clockMillis = clockMillis;
        this.perSecond = perSecond;
    }

    /** An alarm log of the same clock and rate whose lines go to {@code other} (the warm-up's, to a silent logger). */
    AlarmLog to(Logger other) {
        return new AlarmLog(other, clockMillis, perSecond);
    }

    /** One written ONSET or ABATED (other kinds are ignored). */
    void written(ChangeEvent e) {
        if (!e.isAlarm()) return;
        boolean own;
        synchronized (this) {
            long now = clockMillis.getAsLong();
            if (now - windowStart >= 1000) {
                summarize();
                windowStart = now;
                inWindow = 0;
            }
            own = ++inWindow <= perSecond;
            if (!own) {
                if (e.kind() == ChangeKind.ONSET) quietOnsets++;
                else quietAbated++;
            }
        }
        if (own) {
            log.info("{} {} {} ({}) requestID={}", e.kind(), e.source().eventName(), e.source().sourceName(), e.reason(), e.outageId());
        } else if (log.isDebugEnabled()) {
            log.debug("{} {} {} ({}) requestID={}", e.kind(), e.source().eventName(), e.source().sourceName(), e.reason(), e.outageId());
        }
    }

    /** Writes the summary of a second that is over, if it has one. */
    synchronized void flush() {
        if (clockMillis.getAsLong() - windowStart >= 1000) summarize();
    }

    private void summarize() {
        if (quietOnsets == 0 && quietAbated == 0) return;
        log.info("… and {} more ONSET, {} more ABATED events written within 1 s (more than {} per second: their lines are "
                + "at DEBUG on logger {})", quietOnsets, quietAbated, perSecond, log.getName());
        quietOnsets = 0;
        quietAbated = 0;
    }
}

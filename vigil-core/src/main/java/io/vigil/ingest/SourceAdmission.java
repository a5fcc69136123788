package io.vigil.ingest;

import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a heartbeat of a source not tracked yet may create it: at most {@link IngestLimits#maxSources}
 * tracked, and at most {@link IngestLimits#newSourcesPerSecond} new ones per second (a token bucket that holds one
 * second's worth and refills continuously). Known sources never pass through here, so a flood of new names cannot
 * slow them or push them out.
 *
 * <p>A refusal is counted and logged at WARN at most once a minute (with the count since the last line), so a flood
 * does not flood the log too. Thread-safe; {@link #admit} takes a lock, which only the first heartbeat of a new source
 * pays. Time is given by the caller (the engine's clock).
 */
public final class SourceAdmission {
    private static final Logger log = LoggerFactory.getLogger(SourceAdmission.class);
    private static final long WARN_EVERY_MILLIS = 60_000;

    private volatile IngestLimits limits;
    private double tokens;
    private long refilledAt = Long.MIN_VALUE;
    private long warnedAt = Long.MIN_VALUE;
    private long refusedSinceWarn;
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedRate = new LongAdder();

    public SourceAdmission(IngestLimits limits) {
        this.limits = limits;
        this.tokens = limits.newSourcesPerSecond();
    }

    /** Applies new limits from now on (a reload); the bucket keeps its tokens up to the new size. */
    public synchronized void setLimits(IngestLimits newLimits) {
        this.limits = newLimits;
        tokens = Math.min(tokens, newLimits.newSourcesPerSecond());
    }

    public IngestLimits limits() {
        return limits;
    }

    /**
     * Whether one more source may be tracked now.
     *
     * @param nowMillis the current time
     * @param tracked   how many sources are tracked now
     */
    public synchronized boolean admit(long nowMillis, long tracked) {
        IngestLimits l = limits;
        if (tracked >= l.maxSources()) {
            refusedFull.increment();
            warn(nowMillis, "limits.maxSources (" + l.maxSources() + ") sources are tracked");
            return false;
        }
        int rate = l.newSourcesPerSecond();
        if (refilledAt == Long.MIN_VALUE) refilledAt = nowMillis;
        if (nowMillis > refilledAt) {
            tokens = Math.min(rate, tokens + (nowMillis - refilledAt) * (rate / 1000.0));
            refilledAt = nowMillis;
        }
        if (tokens < 1) {
            refusedRate.increment();
            warn(nowMillis, "more than limits.newSourcesPerSecond (" + rate + ") new sources arrive per second");
            return false;
        }
        tokens -= 1;
        return true;
    }

    private void warn(long nowMillis, String why) {
        refusedSinceWarn++;
        if (warnedAt != Long.MIN_VALUE && nowMillis - warnedAt < WARN_EVERY_MILLIS) return;
        log.warn("Refused heartbeats of {} new source(s) in the last minute: {}. Known sources keep working. If these "
                + "sources are genuine, raise the limit in the limits section of the configuration; otherwise find the "
                + "sender that invents sourceNames", refusedSinceWarn, why);
        warnedAt = nowMillis;
        refusedSinceWarn = 0;
    }

    /** New sources refused because {@link IngestLimits#maxSources} were tracked. */
    public long refusedAtMaxSources() {
        return refusedFull.sum();
    }

    /** New sources refused because they came faster than {@link IngestLimits#newSourcesPerSecond}. */
    public long refusedOverRate() {
        return refusedRate.sum();
    }
}

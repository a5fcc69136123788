package io.vigil.liveness;

import io.vigil.engine.SourceKey;
import io.vigil.ingest.IngestLimits;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a STANDBY keeps of the VES heartbeats it receives, so that a takeover has no gap.
 *
 * <ul>
 *   <li>The newest arrival of every source it received, forwarded or not ({@link #keep}). The instance that takes
 *       over starts each source from the newest of the store and this ({@link LivenessService#activate}).</li>
 *   <li>The bodies it answered 202 without the active having taken them (the active could not be reached,
 *       {@link #undelivered}): replayed to the active once it answers ({@link #nextUndelivered}), or merged into
 *       this instance's own engine if it takes over. The queue holds at most {@value #MAX_UNDELIVERED} bodies and
 *       {@value #MAX_UNDELIVERED_BYTES} bytes; when full, the oldest go (counted, WARN): their sources' last-seen
 *       times are still kept above.</li>
 * </ul>
 *
 * <p>At most {@code limits.maxSources} sources are kept (the bound of the engine that takes over): past it a
 * heartbeat of a source not kept yet is not noted (counted, {@link #notKeptCount()}), known ones still are.
 *
 * <p>Cost: one map entry per source that sent through this standby (about 100 bytes), kept until it takes over.
 * A heartbeat answered 202 here lives in this standby's memory only until it is replayed or merged: if this standby
 * crashes as well before that, it is lost. Thread-safe.
 */
public final class StandbyHeartbeats {
    private static final Logger log = LoggerFactory.getLogger(StandbyHeartbeats.class);
    static final int MAX_UNDELIVERED = 10_000;
    static final long MAX_UNDELIVERED_BYTES = 64L << 20;

    /** A heartbeat kept by a standby and when it arrived there. */
    public record Kept(Heartbeat heartbeat, long arrivedAtMillis) {
    }

    private final Map<SourceKey, Kept> newest = new ConcurrentHashMap<>();
    private final ArrayDeque<byte[]> undelivered = new ArrayDeque<>();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder kept = new LongAdder();
    private final LongAdder notKept = new LongAdder();
    private long undeliveredBytes; // guarded by undelivered

    /**
     * Notes the heartbeats of a VES body that arrived at {@code nowMillis}, parsed under the door's {@code limits}.
     *
     * @return whether the body held at least one usable heartbeat (else it is the active's to reject)
     */
    public boolean keep(byte[] body, IngestLimits limits, long nowMillis) {
        VesBatch batch;
        try {
            batch = VesParser.parse(body, limits);
        } catch (VesFormatException e) {
            return false;
        }
        for (Heartbeat hb : batch.heartbeats()) {
            Kept k = new Kept(hb, nowMillis);
            SourceKey key = new SourceKey(hb.eventName(), hb.sourceName());
            if (newest.size() >= limits.maxSources() && !newest.containsKey(key)) {
                notKept.increment();
                continue;
            }
            newest.merge(key, k,
                    (a, b) -> b.arrivedAtMillis() >= a.arrivedAtMillis() ? b : a);
        }
        return !batch.heartbeats().isEmpty();
    }

    /** A body answered 202 that the active has not taken: queued for replay. */
    public void undelivered(byte[] body) {
        kept.increment();
        synchronized (undelivered) {
            while (!undelivered.isEmpty() && (undelivered.size() >= MAX_UNDELIVERED
                    || undeliveredBytes + body.length > MAX_UNDELIVERED_BYTES)) {
                undeliveredBytes -= undelivered.pollFirst().length;
                dropped.increment();
                if (dropped.sum() == 1 || dropped.sum() % 1000 == 0) {
                    log.warn("Standby replay queue full ({} bodies or {} MiB): dropped the oldest ({} so far); their sources' "
                            + "last-seen times are still kept for a takeover. Check why the active instance cannot be reached",
                            MAX_UNDELIVERED, MAX_UNDELIVERED_BYTES >> 20, dropped.sum());
                }
            }
            undelivered.addLast(body);
            undeliveredBytes += body.length;
        }
    }

    /** The oldest body waiting for replay, removed; null when none. */
    public byte[] nextUndelivered() {
        synchronized (undelivered) {
            byte[] b = undelivered.pollFirst();
            if (b != null) undeliveredBytes -= b.length;
            return b;
        }
    }

    /** Puts back a body whose replay failed, at the front. */
    public void retryLater(byte[] body) {
        synchronized (undelivered) {
            undelivered.addFirst(body);
            undeliveredBytes += body.length;
        }
    }

    public int undeliveredCount() {
        synchronized (undelivered) {
            return undelivered.size();
        }
    }

    /** Bodies answered 202 by this standby while the active could not be reached, since start. */
    public long keptCount() {
        return kept.sum();
    }

    /** Bodies dropped from the full replay queue, since start. */
    public long droppedCount() {
        return dropped.sum();
    }

    /** Heartbeats of new sources not noted because {@code limits.maxSources} sources are kept already, since start. */
    public long notKeptCount() {
        return notKept.sum();
    }

    /** Everything kept, for a takeover; the map and the replay queue are emptied. */
    public List<Kept> drain() {
        List<Kept> out = new ArrayList<>(newest.values());
        newest.clear();
        synchronized (undelivered) {
            undelivered.clear();
            undeliveredBytes = 0;
        }
        return out;
    }
}

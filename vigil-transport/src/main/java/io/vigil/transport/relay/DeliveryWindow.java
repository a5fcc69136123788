package io.vigil.transport.relay;

import io.vigil.delivery.OutboxRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The records a relay has read from the outbox and not yet seen acknowledged, spread over lanes so that several
 * batches can be in flight while every source keeps its order. Pure: time comes in as arguments, so batching and
 * retry rules are tested on a manual clock.
 *
 * <p><b>Lanes.</b> A record goes to lane {@code hash(sourceName) mod lanes}; a lane has at most one batch in flight,
 * so two outstanding batches never hold records of the same source. A failed batch goes back to the front of its
 * lane and the lane waits until its retry time; the other lanes go on.
 *
 * <p><b>Batches.</b> An idle lane sends when it holds {@code maxBatch} records, or when its oldest waiting record has
 * waited {@code maxDelayMillis} (0: at once).
 *
 * <p><b>Cursor.</b> {@link #deliveredThrough()} is the highest seq up to which every record was acknowledged: the
 * outbox cursor may move there. Records acknowledged beyond a gap wait for it (a crash sends them again; receivers
 * deduplicate on the event id).
 *
 * <p>Not thread-safe: owned by the relay thread.
 */
final class DeliveryWindow {

    /** One call to a sink: the records of one lane, in seq order. */
    record Batch(int lane, List<OutboxRecord> records, long handedAtMillis) {
    }

    private static final class Slot {
        final OutboxRecord record;
        /** When it entered its lane (for maxDelay). */
        final long addedAtMillis;
        boolean done;

        Slot(OutboxRecord record, long addedAtMillis) {
            this.record = record;
            this.addedAtMillis = addedAtMillis;
        }
    }

    private static final class Lane {
        /** Not yet acknowledged, in seq order; while busy, the batch in flight is at its front. */
        final ArrayDeque<Slot> waiting = new ArrayDeque<>();
        boolean busy;
        int failures;
        long retryAtMillis;
    }

    private final Lane[] lanes;
    private final int maxBatch;
    private final long maxDelayMillis;
    private final int capacity;
    /** Every record read and not yet released, in seq order. */
    private final ArrayDeque<Slot> order = new ArrayDeque<>();
    private long readThrough = -1;
    private long deliveredThrough = -1;
    private int inFlight;

    /**
     * @param lanes          batches in flight at most (one per lane)
     * @param maxBatch       records per batch at most
     * @param maxDelayMillis how long a lane may hold records to fill a batch
     * @param capacity       records held at most (read and not released); at least {@code maxBatch}
     */
    DeliveryWindow(int lanes, int maxBatch, long maxDelayMillis, int capacity) {
        if (lanes < 1 || maxBatch < 1 || maxDelayMillis < 0 || capacity < maxBatch) {
            throw new IllegalArgumentException("bad delivery window: lanes " + lanes + ", maxBatch " + maxBatch
                    + ", maxDelay " + maxDelayMillis + " ms, capacity " + capacity);
        }
        this.lanes = new Lane[lanes];
        for (int i = 0; i < lanes; i++) this.lanes[i] = new Lane();
        this.maxBatch = maxBatch;
        this.maxDelayMillis = maxDelayMillis;
        this.capacity = capacity;
    }

    /** How many more records may be added. */
    int room() {
        return capacity - order.size();
    }

    /** The highest seq added; the next read starts after it (−1 before the first). */
    long readThrough() {
        return readThrough;
    }

    /** The highest seq up to which every added record was acknowledged (−1 before the first). */
    long deliveredThrough() {
        return deliveredThrough;
    }

    /** Batches handed out and not yet reported. */
    int inFlight() {
        return inFlight;
    }

    boolean isEmpty() {
        return order.isEmpty();
    }

    /** The oldest record not yet acknowledged, or null. */
    OutboxRecord oldestUndelivered() {
        for (Slot s : order) if (!s.done) return s.record;
        return null;
    }

    /** Adds records read from the outbox (seq order, after {@link #readThrough()}). */
    void add(List<OutboxRecord> records, long nowMillis) {
        for (OutboxRecord r : records) {
            if (r.seq() <= readThrough) throw new IllegalArgumentException("seq " + r.seq() + " read twice (read through " + readThrough + ")");
            if (order.isEmpty() && deliveredThrough < 0) deliveredThrough = r.seq() - 1;
            Slot slot = new Slot(r, nowMillis);
            order.add(slot);
            lanes[laneOf(r)].waiting.add(slot);
            readThrough = r.seq();
        }
    }

    private int laneOf(OutboxRecord r) {
        return Math.floorMod(r.sourceName().hashCode(), lanes.length);
    }

    /**
     * The batches to send now, marked in flight: every idle lane past its retry time whose batch is full or whose
     * oldest record waited {@code maxDelay}.
     */
    List<Batch> ready(long nowMillis) {
        List<Batch> out = new ArrayList<>(2);
        for (int i = 0; i < lanes.length; i++) {
            Lane lane = lanes[i];
            if (lane.busy || lane.waiting.isEmpty() || nowMillis < lane.retryAtMillis) continue;
            if (lane.waiting.size() < maxBatch && nowMillis - lane.waiting.peek().addedAtMillis < maxDelayMillis) continue;
            List<OutboxRecord> records = new ArrayList<>(Math.min(maxBatch, lane.waiting.size()));
            for (Slot s : lane.waiting) {
                if (records.size() == maxBatch) break;
                records.add(s.record);
            }
            lane.busy = true;
            inFlight++;
            out.add(new Batch(i, records, nowMillis));
        }
        return out;
    }

    /** The batch was acknowledged: its records are done; returns how many failures of its lane came before. */
    int succeeded(Batch b) {
        Lane lane = lanes[b.lane()];
        for (int i = 0; i < b.records().size(); i++) lane.waiting.poll().done = true;
        lane.busy = false;
        inFlight--;
        int failuresBefore = lane.failures;
        lane.failures = 0;
        while (!order.isEmpty() && order.peek().done) deliveredThrough = order.poll().record.seq();
        return failuresBefore;
    }

    /** The batch failed: its lane sends it again from {@code retryAtMillis}; returns the lane's failures in a row. */
    int failed(Batch b, long retryAtMillis) {
        Lane lane = lanes[b.lane()];
        lane.busy = false;
        inFlight--;
        lane.retryAtMillis = retryAtMillis;
        return ++lane.failures;
    }

    /** How many failures in a row the lane of {@code b} has had (0 after a success). */
    int failuresOf(Batch b) {
        return lanes[b.lane()].failures;
    }

    /**
     * The earliest time after {@code nowMillis} at which {@link #ready} may return something without any call in
     * between (a retry pause or a batch delay running out), or {@link Long#MAX_VALUE}.
     */
    long nextDueMillis(long nowMillis) {
        long due = Long.MAX_VALUE;
        for (Lane lane : lanes) {
            if (lane.busy || lane.waiting.isEmpty()) continue;
            long at = Math.max(lane.retryAtMillis,
                    lane.waiting.size() >= maxBatch ? nowMillis : lane.waiting.peek().addedAtMillis + maxDelayMillis);
            due = Math.min(due, at);
        }
        return due;
    }
}

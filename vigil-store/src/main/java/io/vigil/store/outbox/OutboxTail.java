package io.vigil.store.outbox;

import io.vigil.delivery.OutboxRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The outbox's newest committed rows, kept in memory so that relays read what was just journaled from here instead
 * of reading it back from the store: in a storm, four relays each read 100,000 rows the journal wrote a moment
 * before, decoding every payload again and, on H2, reading back pages already evicted from its cache.
 *
 * <p>Contract: the tail holds a contiguous run of seqs {@code (knownAfter, knownAfter + size]}, and <b>every row
 * committed to the outbox with a seq in that run is in it</b>, exactly as stored. It never claims a row it has not
 * been told of: {@link #after} answers only from inside the run and only when it holds at least one record past the
 * asked position; everything else ({@code null}) goes to the store. So what it serves is what a read from the store
 * at that moment would have returned, or a prefix of it (a commit whose rows are not added yet is read on the next
 * look, which its writer's wake-up brings).
 *
 * <p>Writers feed it with {@link #committed} after their transaction committed, telling where the outbox ended when
 * they began inserting (read under the commit lock that serializes every writer of the store, this process's and
 * others'). A batch that does not continue the run exactly (another process committed in between, a retried commit
 * skipped a duplicate, commits of two threads arriving out of order) starts a new run with it: the tail may forget, never invent. Rows deleted from the store must be {@linkplain #forget() forgotten} here too. Oldest rows are dropped beyond
 * {@code maxBytes} (payload size plus a per-record allowance).
 *
 * <p>Thread-safe (one monitor; the work under it is an array copy).
 */
public final class OutboxTail {
    /** What the tail may hold by default: ≈ 40,000 ONAP control-loop events of ≈ 600 bytes. */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    /** Bytes counted per record besides its payload's characters: ids, names, the record and list slots. */
    private static final int RECORD_OVERHEAD_BYTES = 256;

    private final long maxBytes;
    private OutboxRecord[] ring = new OutboxRecord[1024];
    private int head;
    private int size;
    /** Every committed row with a seq in {@code (knownAfter, knownAfter + size]} is held; -1: none yet. */
    private long knownAfter = -1;
    private long bytes;
    private long servedRecords;
    private long missedReads;

    public OutboxTail(long maxBytes) {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        this.maxBytes = maxBytes;
    }

    /**
     * Rows a writer committed, in seq order: {@code rows.get(i)} has seq {@code before + 1 + i} (the writer checked
     * that its insert took exactly that range).
     *
     * @param before the outbox's highest seq when the writer began inserting, read under the commit lock
     */
    public synchronized void committed(long before, List<OutboxRecord> rows) {
        if (rows.isEmpty() || maxBytes == 0) return;
        if (knownAfter < 0 || before != knownAfter + size) {
            forget();
            knownAfter = before; // a new run: these rows are all that is known after `before`
        }
        for (OutboxRecord r : rows) push(r);
        while (bytes > maxBytes && size > 0) dropOldest();
    }

    /**
     * Up to {@code limit} records with seq greater than {@code afterSeq}, in seq order, or {@code null} when the tail
     * cannot answer (the position lies before what it holds, or it holds nothing after it): ask the store then.
     */
    public synchronized List<OutboxRecord> after(long afterSeq, int limit) {
        long last = knownAfter + size;
        if (size == 0 || afterSeq < knownAfter || afterSeq >= last || limit <= 0) {
            missedReads++;
            return null;
        }
        int from = (int) (afterSeq - knownAfter);
        int n = (int) Math.min(limit, last - afterSeq);
        List<OutboxRecord> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(ring[(head + from + i) % ring.length]);
        servedRecords += n;
        return out;
    }

    /** Records handed to readers from memory since start. */
    public synchronized long servedRecords() {
        return servedRecords;
    }

    /** Reads the tail could not answer (they went to the store), since start. */
    public synchronized long missedReads() {
        return missedReads;
    }

    /** The highest seq held, or -1 when it holds nothing. */
    public synchronized long lastSeq() {
        return size == 0 ? -1 : knownAfter + size;
    }

    private void push(OutboxRecord r) {
        if (size == ring.length) grow();
        ring[(head + size) % ring.length] = r;
        size++;
        bytes += weight(r);
    }

    private void dropOldest() {
        OutboxRecord r = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        knownAfter++;
        bytes -= weight(r);
    }

    private void grow() {
        OutboxRecord[] bigger = new OutboxRecord[ring.length * 2];
        for (int i = 0; i < size; i++) bigger[i] = ring[(head + i) % ring.length];
        ring = bigger;
        head = 0;
    }

    /**
     * Forgets every row held: call it when rows were deleted from the outbox ({@link OutboxRepository#prune}, a test
     * emptying the store), so that no reader is served a row the store no longer has. The next commit starts anew.
     */
    public synchronized void forget() {
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
        bytes = 0;
        knownAfter = -1;
    }

    private static long weight(OutboxRecord r) {
        return RECORD_OVERHEAD_BYTES + (r.payload() == null ? 0 : r.payload().length());
    }
}

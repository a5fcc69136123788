package io.vigil.timing;

/**
 * A hashed timing wheel for per-entry deadlines (one deadline per tracked source).
 *
 * <p>Why not a {@code PriorityQueue} or {@code DelayQueue}: those cost O(log n) per (re)schedule and an object
 * per entry; this wheel is intrusive (an entry <em>is</em> its own list node, two references) and schedules,
 * cancels and expires in O(1). Deadlines beyond the wheel's span simply stay in their bucket and are skipped
 * until a later revolution makes them due, so the span only trades a few extra visits for memory.
 *
 * <p>Resolution: an entry fires at the first {@link #advance} whose {@code now} is ≥ its deadline; the bucket
 * holding {@code now} is scanned on every call, so firing is exact to the millisecond as long as the caller
 * advances often enough (the engine does every few milliseconds).
 *
 * <p>Not thread-safe: one owner thread (the engine's detector thread) does everything.
 *
 * @param <E> the entry type
 */
public final class TimingWheel<E extends TimingWheel.Entry> {

    /** The intrusive list node; extend it. Fields are owned by the wheel. */
    public abstract static class Entry {
        long deadline;
        Entry next;
        Entry prev;
        boolean scheduled;

        /** The deadline this entry is scheduled at (meaningful only while {@link #isScheduled()}). */
        public final long deadline() {
            return deadline;
        }

        public final boolean isScheduled() {
            return scheduled;
        }
    }

    /** Receives each expired entry, already unscheduled; it may schedule it again. */
    @FunctionalInterface
    public interface Expiry<E> {
        void expired(E entry, long now);
    }

    private final Entry[] buckets; // sentinel heads of circular lists
    private final int mask;
    private final long tickMillis;
    private long lastTick;
    private int size;

    /**
     * @param bucketCount power of two
     * @param tickMillis  width of one bucket in milliseconds
     * @param startMillis the current time
     */
    public TimingWheel(int bucketCount, long tickMillis, long startMillis) {
        if (Integer.bitCount(bucketCount) != 1) throw new IllegalArgumentException("bucketCount must be a power of two");
        if (tickMillis < 1) throw new IllegalArgumentException("tickMillis must be >= 1");
        this.buckets = new Entry[bucketCount];
        for (int i = 0; i < bucketCount; i++) {
            Entry head = new Entry() {
            };
            head.next = head;
            head.prev = head;
            buckets[i] = head;
        }
        this.mask = bucketCount - 1;
        this.tickMillis = tickMillis;
        this.lastTick = startMillis / tickMillis;
    }

    /** Schedules (or moves) the entry to fire at {@code deadline}. */
    public void schedule(E entry, long deadline) {
        if (entry.scheduled) unlink(entry);
        entry.deadline = deadline;
        // a deadline in the past goes into the current bucket, which the next advance scans
        long tick = Math.max(deadline / tickMillis, lastTick);
        Entry head = buckets[(int) (tick & mask)];
        entry.prev = head.prev;
        entry.next = head;
        head.prev.next = entry;
        head.prev = entry;
        entry.scheduled = true;
        size++;
    }

    public void cancel(E entry) {
        if (entry.scheduled) unlink(entry);
    }

    private void unlink(Entry e) {
        e.prev.next = e.next;
        e.next.prev = e.prev;
        e.next = null;
        e.prev = null;
        e.scheduled = false;
        size--;
    }

    /**
     * Fires every entry whose deadline is ≤ {@code now}. Returns how many fired.
     * Entries scheduled by the callback at a deadline ≤ now fire in a later call, not this one. The callback may
     * schedule or cancel any entry, including due ones not yet called back (a cancelled one is then not called).
     *
     * <p>Due entries are moved to a firing list and called back in chunks of {@value #CHUNK}, in bucket order: a
     * million deadlines in one bucket (a whole fleet cut off at once) get their first callbacks after one chunk's
     * walk, not the whole bucket's, and each entry is called back while the walk has just brought it into the CPU
     * cache. Two marker nodes keep the walk safe against the callbacks: {@code cursor} holds the walk's place in its
     * bucket (a callback may unlink or move the next entry), and {@code end} sits at the tail of the current bucket,
     * where every entry scheduled at ≤ now goes, so the walk never reaches those.
     */
    @SuppressWarnings("unchecked")
    public int advance(long now, Expiry<? super E> expiry) {
        long nowTick = now / tickMillis;
        if (nowTick < lastTick) nowTick = lastTick; // the clock went back: scan the current bucket only
        long from = lastTick;
        long steps = Math.min(nowTick - from, buckets.length - 1);
        if (nowTick - from >= buckets.length) from = nowTick - steps; // a long jump visits every bucket once
        lastTick = nowTick; // from here on, a deadline ≤ now is scheduled into the current bucket, after `end`
        Entry current = buckets[(int) (nowTick & mask)];
        linkBefore(current, end);
        int fired = 0;
        try {
            for (long t = from; t <= from + steps; t++) {
                Entry head = buckets[(int) (t & mask)];
                Entry e = head.next;
                while (e != head && e != end) {
                    // move the next chunk of due entries to the firing list: still scheduled, so a callback may
                    // cancel or move one before its turn
                    int n = 0;
                    while (e != head && e != end && n < CHUNK) {
                        Entry next = e.next;
                        if (e.deadline <= now) {
                            detach(e);
                            linkBefore(firing, e);
                            n++;
                        }
                        e = next;
                    }
                    boolean more = e != head && e != end;
                    if (more) linkBefore(e, cursor);
                    Entry f;
                    while ((f = firing.next) != firing) {
                        unlink(f);
                        fired++;
                        expiry.expired((E) f, now);
                    }
                    if (!more) break;
                    e = cursor.next;
                    detach(cursor);
                }
            }
        } finally {
            if (cursor.next != null) detach(cursor); // a callback threw: the due entries it left fire next time
            Entry f;
            while ((f = firing.next) != firing) {
                detach(f);
                linkBefore(current, f);
            }
            detach(end);
        }
        return fired;
    }

    /** Due entries moved off their bucket at a time (see {@link #advance}). */
    private static final int CHUNK = 256;
    private final Entry cursor = new Entry() {
    };
    private final Entry end = new Entry() {
    };
    /** Sentinel of the due entries waiting for their callback within one {@link #advance}. */
    private final Entry firing = new Entry() {
    };

    {
        firing.next = firing;
        firing.prev = firing;
    }

    /** Links {@code node} before {@code at} (a marker, or an entry moving between lists: no count, no flag). */
    private static void linkBefore(Entry at, Entry node) {
        node.prev = at.prev;
        node.next = at;
        at.prev.next = node;
        at.prev = node;
    }

    /** Takes {@code node} out of its list (no count, no flag). */
    private static void detach(Entry node) {
        node.prev.next = node.next;
        node.next.prev = node.prev;
        node.next = null;
        node.prev = null;
    }

    /** Number of scheduled entries. */
    public int size() {
        return size;
    }
}

package io.vigil.liveness;

/**
 * How many queued ONSET/ABATED events the journal writes in its next transaction.
 *
 * <p>A transaction costs a fixed part (the lease row lock and epoch check, a commit: on PostgreSQL an fsync) and a
 * part per row, which is itself cheaper in larger batches (H2: 30 → 25 µs per ONSET from 1,000 to 10,000 per
 * transaction; PostgreSQL 11.6 → 8.5 s for 100k ONSETs, docs/benchmarks.md § 5). But a transaction's rows become
 * visible to the relay only at its commit, so the first ONSETs of a storm should not wait for a 10,000-row
 * transaction. The rule:
 * <ul>
 *   <li>a transaction takes every event that waits, up to the current limit: a lone ONSET is written at once, alone;</li>
 *   <li>the limit starts at {@value #FIRST}; each time a transaction was full and events still wait (a storm), it
 *       doubles, up to {@value #MAX}: the storm's front reaches the outbox after {@value #FIRST} rows, its bulk in
 *       large transactions;</li>
 *   <li>once the queue is empty after a take, the limit is back to {@value #FIRST}.</li>
 * </ul>
 * Only the journal thread uses an instance (not thread-safe).
 */
final class AlarmBatchSize {
    static final int FIRST = 1_000;
    static final int MAX = 10_000;

    private int limit = FIRST;

    /** The most events the next transaction may take. */
    int limit() {
        return limit;
    }

    /**
     * @param taken        how many events the last take got
     * @param stillWaiting how many events wait in the queue after it
     */
    void taken(int taken, int stillWaiting) {
        if (stillWaiting == 0) limit = FIRST;
        else if (taken >= limit) limit = Math.min(MAX, limit * 2);
    }
}

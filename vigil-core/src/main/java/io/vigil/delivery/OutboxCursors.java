package io.vigil.delivery;

import java.util.List;

/**
 * The outbox as a relay sees it: one cursor per sink, records after it in order.
 * Implementations are thread-safe.
 */
public interface OutboxCursors {
    /** Up to {@code limit} records after the sink's cursor, in seq order. A new sink starts at the current end. */
    List<OutboxRecord> pending(String sink, int limit);

    /**
     * Up to {@code limit} records after both the sink's cursor and {@code afterSeq}, in seq order: what a relay with
     * deliveries in flight beyond its cursor reads next. The default filters {@link #pending(String, int)} (fine for
     * small outboxes in memory); a store overrides it with one query.
     */
    default List<OutboxRecord> pending(String sink, long afterSeq, int limit) {
        return pending(sink, Integer.MAX_VALUE).stream().filter(r -> r.seq() > afterSeq).limit(limit).toList();
    }

    /** Moves the sink's cursor to {@code seq} (inclusive: that record is delivered). Never moves it back. */
    void acknowledge(String sink, long seq);
}

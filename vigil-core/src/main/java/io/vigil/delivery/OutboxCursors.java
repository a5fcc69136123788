package io.vigil.delivery;

import java.util.List;

/**
 * The outbox as a relay sees it: one cursor per sink, records after it in order.
 * Implementations are thread-safe.
 */
public interface OutboxCursors {
    /** Up to {@code limit} records after the sink's cursor, in seq order. A new sink starts at the current end. */
    List<OutboxRecord> pending(String sink, int limit);

    /** Moves the sink's cursor to {@code seq} (inclusive: that record is delivered). Never moves it back. */
    void acknowledge(String sink, long seq);
}

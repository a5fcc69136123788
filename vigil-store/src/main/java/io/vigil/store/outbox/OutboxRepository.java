package io.vigil.store.outbox;

import io.vigil.delivery.OutboxCursors;
import io.vigil.delivery.OutboxRecord;
import io.vigil.store.Database;
import io.vigil.store.source.SourceRepository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The delivery side of the outbox (tables {@code outbox} and {@code sink_cursor}).
 *
 * <p>Each sink has one cursor: the highest seq it acknowledged. <b>A sink never seen before starts at the current
 * end of the outbox</b>: its cursor is created at {@link #headSeq()} on first use, so adding a sink does not replay
 * history to it (the events API and {@link #recent} serve history). A cursor never moves back. Rows are appended
 * only by {@link StateWriter}, whose commits are serialized, so a reader never sees a lower seq appear after a
 * higher one.
 *
 * <p>{@link #prune} deletes only rows that every known sink has acknowledged: a sink that is down keeps its
 * backlog however old it is. Remove a sink that left the configuration with {@link #forgetSink}, or it pins the
 * outbox. Thread-safe.
 */
public final class OutboxRepository implements OutboxCursors {
    private static final String COLUMNS = "seq, event_id, event_name, source_name, kind, payload, created_at_ms, journaled_at_ms";

    private final Database db;

    public OutboxRepository(Database db) {
        this.db = db;
    }

    @Override
    public List<OutboxRecord> pending(String sink, int limit) {
        return pending(sink, -1, limit);
    }

    /** Served from the store's {@link OutboxTail} when it holds what comes after the position, else read. */
    @Override
    public List<OutboxRecord> pending(String sink, long afterSeq, int limit) {
        return db.withConnection(c -> {
            long from = Math.max(cursor(c, sink), afterSeq);
            List<OutboxRecord> recent = db.outboxTail().after(from, limit);
            if (recent != null) return recent;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, from);
                ps.setInt(2, limit);
                return read(ps);
            }
        });
    }

    @Override
    public void acknowledge(String sink, long seq) {
        db.withConnection(c -> {
            cursor(c, sink); // registers a new sink first, so the update below has a row to move
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE sink_cursor SET last_seq = ? WHERE sink_name = ? AND last_seq < ?")) {
                ps.setLong(1, seq);
                ps.setString(2, sink);
                ps.setLong(3, seq);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The sink's cursor (last acknowledged seq), registering it at the current end if it is new. */
    public long cursor(String sink) {
        return db.withConnection(c -> cursor(c, sink));
    }

    private static long cursor(Connection c, String sink) throws SQLException {
        Long existing = readCursor(c, sink);
        if (existing != null) return existing;
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO sink_cursor (sink_name, last_seq)
                SELECT ?, COALESCE(MAX(seq), 0) FROM outbox
                ON CONFLICT DO NOTHING""")) {
            ps.setString(1, sink);
            ps.executeUpdate();
        }
        // Re-read: a concurrent first use of the same sink may have won the insert.
        return readCursor(c, sink);
    }

    private static Long readCursor(Connection c, String sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM sink_cursor WHERE sink_name = ?")) {
            ps.setString(1, sink);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** Removes a sink's cursor so that it no longer holds back {@link #prune}. */
    public void forgetSink(String sink) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sink_cursor WHERE sink_name = ?")) {
                ps.setString(1, sink);
                return ps.executeUpdate();
            }
        });
    }

    /** Up to {@code limit} events created at or after {@code sinceMillis}, oldest first (for the events API). */
    public List<OutboxRecord> recent(long sinceMillis, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM outbox WHERE created_at_ms >= ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, sinceMillis);
                ps.setInt(2, limit);
                return read(ps);
            }
        });
    }

    /**
     * Up to {@code limit} events of one source created at or after {@code sinceMillis}, oldest first (the events API
     * filtered to a source, for the dashboard's source page). {@code sourceName} null: every source of the monitor.
     */
    public List<OutboxRecord> recent(long sinceMillis, int limit, String eventName, String sourceName) {
        if (eventName == null && sourceName == null) return recent(sinceMillis, limit);
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM outbox WHERE created_at_ms >= ?"
                    + (eventName == null ? "" : " AND event_name = ?") + (sourceName == null ? "" : " AND source_name = ?")
                    + " ORDER BY seq LIMIT ?")) {
                int i = 1;
                ps.setLong(i++, sinceMillis);
                if (eventName != null) ps.setString(i++, eventName);
                if (sourceName != null) ps.setString(i++, sourceName);
                ps.setInt(i, limit);
                return read(ps);
            }
        });
    }

    /** The highest seq in the outbox, 0 when it is empty. */
    public long headSeq() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM outbox");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /**
     * Deletes rows created before {@code olderThanMillis} that every known sink has acknowledged, and whose source
     * state (if they carry one) the sources table has caught up with.
     *
     * @return how many rows were deleted
     */
    public int prune(long olderThanMillis) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    DELETE FROM outbox o WHERE o.created_at_ms < ?
                    AND NOT EXISTS (SELECT 1 FROM sink_cursor k WHERE k.last_seq < o.seq AND k.sink_name <> ?)
                    AND (o.source_state IS NULL
                         OR o.seq <= COALESCE((SELECT s.last_seq FROM sink_cursor s WHERE s.sink_name = ?), 0))""")) {
                ps.setLong(1, olderThanMillis);
                ps.setString(2, SourceRepository.STATE_CURSOR);
                ps.setString(3, SourceRepository.STATE_CURSOR);
                int deleted = ps.executeUpdate();
                // a sink registered after this sits at the store's head, which may now be below what the tail holds
                if (deleted > 0) db.outboxTail().forget();
                return deleted;
            }
        });
    }

    private static List<OutboxRecord> read(PreparedStatement ps) throws SQLException {
        List<OutboxRecord> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long created = rs.getLong(7);
                long journaled = rs.getLong(8);
                if (rs.wasNull()) journaled = created; // written before the column existed
                out.add(new OutboxRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), created, journaled));
            }
        }
        return out;
    }
}

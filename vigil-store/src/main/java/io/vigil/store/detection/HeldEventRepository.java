package io.vigil.store.detection;

import io.vigil.engine.ChangeEvent;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Change events that are recorded but not published (table {@code held_events}): ONSETs held by a silence, a
 * dependency or flapping, the ABATEDs of those outages, and flapping start/end. They never enter the outbox, so the
 * relays and sinks never see them; {@code GET /api/v1/events} shows them with {@code "published": false}.
 * Appending an event id twice is a no-op (a retried journal write). Thread-safe.
 */
public final class HeldEventRepository {
    private static final int MAX_REASON = 2000;
    private final Database db;

    public HeldEventRepository(Database db) {
        this.db = db;
    }

    public void append(List<ChangeEvent> events) {
        if (events.isEmpty()) return;
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO held_events (event_id, event_name, source_name, kind, outage_id, reason, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT DO NOTHING""")) {
                for (ChangeEvent e : events) {
                    ps.setString(1, e.eventId());
                    ps.setString(2, e.source().eventName());
                    ps.setString(3, e.source().sourceName());
                    ps.setString(4, e.kind().name());
                    ps.setString(5, e.outageId());
                    String reason = e.reason() == null ? "" : e.reason();
                    ps.setString(6, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
                    ps.setLong(7, e.atMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Held events recorded at or after {@code sinceMillis}, oldest first, at most {@code limit}. */
    public List<HeldEvent> recent(long sinceMillis, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT seq, event_id, event_name, source_name, kind, outage_id, reason, created_at_ms
                    FROM held_events WHERE created_at_ms >= ? ORDER BY seq LIMIT ?""")) {
                ps.setLong(1, sinceMillis);
                ps.setInt(2, limit);
                List<HeldEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new HeldEvent(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8)));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes held events recorded before {@code beforeMillis}. */
    public int prune(long beforeMillis) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM held_events WHERE created_at_ms < ?")) {
                ps.setLong(1, beforeMillis);
                return ps.executeUpdate();
            }
        });
    }
}

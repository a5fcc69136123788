package io.vigil.collect.action;

import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Delayed actions in the store ({@code collect_delayed_action}), so that a restart keeps them. {@link #take} deletes
 * one and reports whether this caller deleted it, so that a rule fires once even if two threads match it. Thread-safe.
 */
public final class DelayedActionRepository {
    private final Database db;

    public DelayedActionRepository(Database db) {
        this.db = db;
    }

    /** Adds all of them in one transaction; an id that exists already fails the whole call. */
    public void add(List<DelayedAction> actions) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO collect_delayed_action (id, event_ip, event_type, event_state, do_action, do_group, do_level, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)""")) {
                for (DelayedAction a : actions) {
                    ps.setString(1, a.id());
                    ps.setString(2, a.eventIp());
                    ps.setString(3, a.eventType());
                    ps.setString(4, a.eventState());
                    ps.setString(5, a.doAction());
                    ps.setString(6, a.doGroup());
                    ps.setString(7, a.doLevel());
                    ps.setLong(8, a.createdAtMillis());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every waiting action, oldest first. */
    public List<DelayedAction> list() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, event_ip, event_type, event_state, do_action, do_group, do_level, created_at_ms
                    FROM collect_delayed_action ORDER BY created_at_ms, id""");
                 ResultSet rs = ps.executeQuery()) {
                List<DelayedAction> out = new ArrayList<>();
                while (rs.next()) out.add(new DelayedAction(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8)));
                return out;
            }
        });
    }

    /** Deletes it; true when this call deleted it (fire or cancel), false when it was gone already. */
    public boolean take(String id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM collect_delayed_action WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }
}

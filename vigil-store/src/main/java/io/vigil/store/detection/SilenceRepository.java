package io.vigil.store.detection;

import io.vigil.silence.Silence;
import io.vigil.silence.SilenceWindow;
import io.vigil.silence.SourceMatcher;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Silences made through the API (table {@code silences}); one-off windows only (recurring ones are config).
 * Shared by every instance through the store. Thread-safe.
 */
public final class SilenceRepository {
    private final Database db;

    public SilenceRepository(Database db) {
        this.db = db;
    }

    /** Stores a silence with a {@link SilenceWindow.Once} window. */
    public void insert(Silence s, long createdAtMillis) {
        if (!(s.window() instanceof SilenceWindow.Once w))
            throw new IllegalArgumentException("only one-off silences are stored; recurring ones belong in the config");
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO silences (id, event_name, source_name, starts_at_ms, ends_at_ms, comment_text, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, s.id());
                ps.setString(2, s.matcher().eventName());
                ps.setString(3, s.matcher().sourceName());
                ps.setLong(4, w.startsAt());
                ps.setLong(5, w.endsAt());
                ps.setString(6, s.comment());
                ps.setLong(7, createdAtMillis);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Removes a silence; false when there was none with that id. */
    public boolean delete(String id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM silences WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Every silence that has not ended by {@code nowMillis}, ordered by start. */
    public List<Silence> current(long nowMillis) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, event_name, source_name, starts_at_ms, ends_at_ms, comment_text
                    FROM silences WHERE ends_at_ms > ? ORDER BY starts_at_ms, id""")) {
                ps.setLong(1, nowMillis);
                List<Silence> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Silence(rs.getString(1), new SourceMatcher(rs.getString(2), rs.getString(3)),
                                new SilenceWindow.Once(rs.getLong(4), rs.getLong(5)), rs.getString(6), "api"));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes silences that ended before {@code beforeMillis}; returns how many. */
    public int pruneEnded(long beforeMillis) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM silences WHERE ends_at_ms <= ?")) {
                ps.setLong(1, beforeMillis);
                return ps.executeUpdate();
            }
        });
    }
}

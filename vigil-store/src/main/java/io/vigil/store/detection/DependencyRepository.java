package io.vigil.store.detection;

import io.vigil.dependency.Dependency;
import io.vigil.engine.SourceKey;
import io.vigil.silence.SourceMatcher;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Dependency rules made through the API (table {@code dependencies}). Thread-safe. */
public final class DependencyRepository {
    private final Database db;

    public DependencyRepository(Database db) {
        this.db = db;
    }

    public void insert(Dependency d, long createdAtMillis) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO dependencies (id, child_event_name, child_source_name, parent_event_name,
                      parent_source_name, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?)""")) {
                ps.setString(1, d.id());
                ps.setString(2, d.child().eventName());
                ps.setString(3, d.child().sourceName());
                ps.setString(4, d.parent().eventName());
                ps.setString(5, d.parent().sourceName());
                ps.setLong(6, createdAtMillis);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Removes a rule; false when there was none with that id. */
    public boolean delete(String id) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dependencies WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Every stored rule, oldest first. */
    public List<Dependency> all() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, child_event_name, child_source_name, parent_event_name, parent_source_name
                    FROM dependencies ORDER BY created_at_ms, id""");
                 ResultSet rs = ps.executeQuery()) {
                List<Dependency> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new Dependency(rs.getString(1), new SourceMatcher(rs.getString(2), rs.getString(3)),
                            new SourceKey(rs.getString(4), rs.getString(5)), "api"));
                }
                return out;
            }
        });
    }
}

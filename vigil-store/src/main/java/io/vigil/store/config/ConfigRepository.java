package io.vigil.store.config;

import io.vigil.store.Database;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Optional;

/**
 * Named configuration documents with a version counter (table {@code config}), so that a reload on one HA instance
 * reaches the others: they poll {@link #load} and apply a version they have not seen. Thread-safe.
 */
public final class ConfigRepository {
    private final Database db;

    public ConfigRepository(Database db) {
        this.db = db;
    }

    /** Stores {@code content} under {@code name} and returns its new version (1 on the first save). */
    public long save(String name, String content) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO config (name, content, version, updated_at) VALUES (?, '', 0, CURRENT_TIMESTAMP)
                    ON CONFLICT DO NOTHING""")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE config SET content = ?, version = version + 1, updated_at = CURRENT_TIMESTAMP
                    WHERE name = ?""")) {
                ps.setString(1, content);
                ps.setString(2, name);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM config WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** The document named {@code name}, or empty if it was never saved. */
    public Optional<ConfigDocument> load(String name) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT content, version, updated_at FROM config WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    return Optional.of(new ConfigDocument(name, rs.getString(1), rs.getLong(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant()));
                }
            }
        });
    }
}

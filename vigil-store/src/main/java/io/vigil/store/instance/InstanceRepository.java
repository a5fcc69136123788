package io.vigil.store.instance;

import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The running instances and their advertised URLs (table {@code instances}): the directory a standby uses to find
 * the active instance named by the lease. Rows are refreshed periodically by their instance ({@link #announce});
 * a row whose {@code seenAt} is old belongs to an instance that stopped. Thread-safe; portable SQL (H2, PostgreSQL).
 */
public final class InstanceRepository {
    private final Database db;

    public InstanceRepository(Database db) {
        this.db = db;
    }

    /**
     * Records that {@code instanceId} runs and is reachable at {@code url}.
     *
     * @param restarted true on the first announcement after start: resets {@code startedAt}
     */
    public void announce(String instanceId, String url, boolean restarted) {
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO instances (instance_id, url, started_at, seen_at)
                    VALUES (?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
                    ON CONFLICT DO NOTHING""")) {
                ps.setString(1, instanceId);
                ps.setString(2, url);
                ps.executeUpdate();
            }
            String sql = restarted
                    ? "UPDATE instances SET url = ?, seen_at = CURRENT_TIMESTAMP, started_at = CURRENT_TIMESTAMP WHERE instance_id = ?"
                    : "UPDATE instances SET url = ?, seen_at = CURRENT_TIMESTAMP WHERE instance_id = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, url);
                ps.setString(2, instanceId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The URL {@code instanceId} announced, or empty if it never did. */
    public Optional<String> url(String instanceId) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT url FROM instances WHERE instance_id = ?")) {
                ps.setString(1, instanceId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** Every announced instance, most recently seen first. */
    public List<InstanceRecord> all() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT instance_id, url, started_at, seen_at FROM instances ORDER BY seen_at DESC, instance_id");
                 ResultSet rs = ps.executeQuery()) {
                List<InstanceRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new InstanceRecord(rs.getString(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(), rs.getObject(4, OffsetDateTime.class).toInstant()));
                }
                return out;
            }
        });
    }

    /** Removes {@code instanceId}'s row (a clean shutdown). */
    public void remove(String instanceId) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM instances WHERE instance_id = ?")) {
                ps.setString(1, instanceId);
                return ps.executeUpdate();
            }
        });
    }
}

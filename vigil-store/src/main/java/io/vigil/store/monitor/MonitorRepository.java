package io.vigil.store.monitor;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.Dialect;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The configured monitor set (table {@code monitors}), kept for visibility and so that HA instances share it.
 * {@link #replaceAll} swaps the whole set atomically; {@link #loadAll} returns it in the order it was saved.
 * Thread-safe.
 */
public final class MonitorRepository {
    private final Database db;

    public MonitorRepository(Database db) {
        this.db = db;
    }

    /**
     * Replaces the stored set with {@code monitors} in one transaction (eventNames must be unique). Safe while other
     * instances on the same PostgreSQL database do the same (active-active instances starting together): the
     * transaction first takes a lock on the table that only one such transaction holds at a time; without it, two
     * could each delete the old set and the second's inserts would collide with the first's ("duplicate key").
     */
    public void replaceAll(List<Monitor> monitors) {
        synchronized (db) { // H2 is embedded in one process: its writers meet here
            replaceAllLocked(monitors);
        }
    }

    private void replaceAllLocked(List<Monitor> monitors) {
        db.inTransaction(c -> {
            if (db.dialect() == Dialect.POSTGRESQL) {
                try (PreparedStatement lock = c.prepareStatement("LOCK TABLE monitors IN SHARE ROW EXCLUSIVE MODE")) {
                    lock.execute(); // conflicts with itself, not with readers; released at commit
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM monitors")) {
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO monitors (event_name, position, interval_ms, missed_heartbeats, time_base,
                      cl_control_name, cl_policy_name, cl_policy_version, cl_policy_scope, cl_target_type,
                      cl_target, cl_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                int position = 0;
                for (Monitor m : monitors) {
                    ClosedLoop cl = m.closedLoop();
                    ps.setString(1, m.eventName());
                    ps.setInt(2, position++);
                    ps.setLong(3, m.heartbeatInterval().toMillis());
                    ps.setInt(4, m.missedHeartbeats());
                    ps.setString(5, m.timeBase().name());
                    ps.setString(6, cl.controlName());
                    ps.setString(7, cl.policyName());
                    ps.setString(8, cl.policyVersion());
                    ps.setString(9, cl.policyScope());
                    ps.setString(10, cl.targetType().name());
                    ps.setString(11, cl.target());
                    ps.setString(12, cl.version());
                    ps.addBatch();
                }
                if (!monitors.isEmpty()) ps.executeBatch();
            }
            return null;
        });
    }

    /** The stored monitor set, in saved order; empty if none was saved. */
    public List<Monitor> loadAll() {
        return db.withConnection(c -> {
            List<Monitor> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT event_name, interval_ms, missed_heartbeats, time_base, cl_control_name, cl_policy_name,
                      cl_policy_version, cl_policy_scope, cl_target_type, cl_target, cl_version
                    FROM monitors ORDER BY position""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ClosedLoop cl = new ClosedLoop(rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getString(8), TargetType.valueOf(rs.getString(9)), rs.getString(10), rs.getString(11));
                    out.add(new Monitor(rs.getString(1), Duration.ofMillis(rs.getLong(2)), rs.getInt(3),
                            TimeBase.valueOf(rs.getString(4)), cl));
                }
            }
            return out;
        });
    }
}

package io.vigil.store.partition;

import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per-partition ownership of detection (table {@code partition_owners}), for active-active over Kafka partitions.
 *
 * <p>The Kafka group coordinator decides who owns a partition; this table turns its decision into a fence in the
 * store. {@link #take} is called by the new owner when a partition is assigned to it and increments the
 * partition's epoch unconditionally (the assignment is the authority, there is nothing to wait for); every state or
 * outbox write for a source of that partition then carries the epoch ({@code StateWriter.commitOwned}) and is
 * refused once a later assignment has taken it.
 *
 * <p><b>Serialization.</b> {@link #take} locks the {@code active} lease row first, as every fenced commit does, so
 * an assignment and a commit never interleave: a commit either finished before the new owner took the partition
 * (and the new owner restores what it wrote) or sees the new epoch and writes nothing. Thread-safe.
 */
public final class PartitionOwnerRepository {
    private final Database db;

    public PartitionOwnerRepository(Database db) {
        this.db = db;
    }

    /**
     * Makes {@code owner} the owner of {@code partitions} of {@code topic}, each under a new epoch.
     *
     * @return partition → its new epoch
     */
    public Map<Integer, Long> take(String topic, Collection<Integer> partitions, String owner) {
        if (partitions.isEmpty()) return Map.of();
        return db.inTransaction(c -> {
            LeaseRepository.ensureRow(c, LeaseRepository.ACTIVE);
            LeaseRepository.lockActiveEpoch(c);
            for (int p : new TreeSet<>(partitions)) {
                try (PreparedStatement ps = c.prepareStatement("""
                        INSERT INTO partition_owners (topic, partition_no, owner, epoch, assigned_at)
                        VALUES (?, ?, NULL, 0, CURRENT_TIMESTAMP)
                        ON CONFLICT DO NOTHING""")) {
                    ps.setString(1, topic);
                    ps.setInt(2, p);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("""
                        UPDATE partition_owners SET owner = ?, epoch = epoch + 1, assigned_at = CURRENT_TIMESTAMP
                        WHERE topic = ? AND partition_no = ?""")) {
                    ps.setString(1, owner);
                    ps.setString(2, topic);
                    ps.setInt(3, p);
                    ps.executeUpdate();
                }
            }
            return epochs(c, topic, partitions);
        });
    }

    /**
     * Notes that {@code owner} gave {@code partitions} up (for status pages). The epoch is kept: the next owner
     * increments it, and until then nobody writes for those sources.
     */
    public void release(String topic, Collection<Integer> partitions, String owner) {
        if (partitions.isEmpty()) return;
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE partition_owners SET owner = NULL WHERE topic = ? AND partition_no = ? AND owner = ?")) {
                for (int p : new TreeSet<>(partitions)) {
                    ps.setString(1, topic);
                    ps.setInt(2, p);
                    ps.setString(3, owner);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Every partition of {@code topic} ever assigned, by partition number. */
    public List<PartitionOwner> all(String topic) {
        return db.withConnection(c -> {
            List<PartitionOwner> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT partition_no, owner, epoch, assigned_at FROM partition_owners
                    WHERE topic = ? ORDER BY partition_no""")) {
                ps.setString(1, topic);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PartitionOwner(topic, rs.getInt(1), rs.getString(2), rs.getLong(3),
                                rs.getObject(4, OffsetDateTime.class).toInstant()));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The stored epochs of {@code partitions} in the caller's transaction (absent partitions are missing from the
     * result). Callers hold the {@code active} row lock, which serializes them with {@link #take}.
     */
    public static Map<Integer, Long> epochs(Connection c, String topic, Collection<Integer> partitions) throws SQLException {
        Map<Integer, Long> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT epoch FROM partition_owners WHERE topic = ? AND partition_no = ?")) {
            for (int p : new TreeSet<>(partitions)) {
                ps.setString(1, topic);
                ps.setInt(2, p);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) out.put(p, rs.getLong(1));
                }
            }
        }
        return out;
    }
}

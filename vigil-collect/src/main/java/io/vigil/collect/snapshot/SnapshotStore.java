package io.vigil.collect.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.rpc.RpcResult;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The engine's durable memory in the store: the journal ({@code collect_journal}: every collector answer the engine
 * applied, in the order it applied them) and the last snapshot ({@code collect_snapshot}: the whole status table and
 * the journal seq it includes). A restart loads the snapshot and replays the journal rows after it; rows up to the
 * snapshot are pruned. Portable SQL only (H2 and PostgreSQL). Thread-safe.
 */
public final class SnapshotStore {
    static final String NAME = "heartbeat";
    private final Database db;

    public SnapshotStore(Database db) {
        this.db = db;
    }

    /** A loaded snapshot. */
    public record Snapshot(long journalSeq, long takenAtMillis, long round, List<Entity> entities) {
    }

    /** A journal row. */
    public record JournalEntry(long seq, RpcResult result) {
    }

    /** Appends one applied answer; returns its seq (increasing). */
    public long append(RpcResult r, long nowMillis) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO collect_journal (rpc, payload, created_at_ms) VALUES (?, ?, ?)", new String[] {"seq"})) {
                ps.setString(1, r.rpc());
                ps.setString(2, CollectJson.write(r.toJson()));
                ps.setLong(3, nowMillis);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    /** Up to {@code limit} journal rows after {@code seq}, in order. */
    public List<JournalEntry> after(long seq, int limit) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, payload FROM collect_journal WHERE seq > ? ORDER BY seq LIMIT ?")) {
                ps.setLong(1, seq);
                ps.setInt(2, limit);
                List<JournalEntry> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(new JournalEntry(rs.getLong(1), RpcResult.fromJson(CollectJson.read(rs.getString(2)))));
                }
                return out;
            }
        });
    }

    /** Replaces the snapshot and prunes the journal rows it includes, in one transaction. */
    public void save(long journalSeq, long round, List<Entity> entities, long nowMillis) {
        ObjectNode doc = CollectJson.object();
        doc.put("round", round);
        ArrayNode arr = doc.putArray("entities");
        for (Entity e : entities) arr.add(e.toJson());
        String payload = CollectJson.write(doc);
        db.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM collect_snapshot WHERE name = ?")) {
                del.setString(1, NAME);
                del.executeUpdate();
            }
            try (PreparedStatement ins = c.prepareStatement(
                    "INSERT INTO collect_snapshot (name, journal_seq, payload, taken_at_ms) VALUES (?, ?, ?, ?)")) {
                ins.setString(1, NAME);
                ins.setLong(2, journalSeq);
                ins.setString(3, payload);
                ins.setLong(4, nowMillis);
                ins.executeUpdate();
            }
            try (PreparedStatement prune = c.prepareStatement("DELETE FROM collect_journal WHERE seq <= ?")) {
                prune.setLong(1, journalSeq);
                prune.executeUpdate();
            }
            return null;
        });
    }

    public Optional<Snapshot> load() {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT journal_seq, payload, taken_at_ms FROM collect_snapshot WHERE name = ?")) {
                ps.setString(1, NAME);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) return Optional.empty();
                    JsonNode doc = CollectJson.read(rs.getString(2));
                    List<Entity> es = new ArrayList<>();
                    doc.path("entities").forEach(e -> es.add(Entity.fromJson(e)));
                    return Optional.of(new Snapshot(rs.getLong(1), rs.getLong(3), doc.path("round").asLong(), es));
                }
            }
        });
    }
}

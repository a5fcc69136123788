package io.vigil.store.source;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.Dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The durable state of every source (table {@code sources}).
 *
 * <p><b>Write-behind contract.</b> Heartbeats are not written one by one: the caller keeps liveness in memory and
 * calls {@link #checkpoint} every checkpoint period with the sources that changed since the last one. After a
 * crash, up to one period of last-seen updates is lost, so a restarted engine may see a source as silent for up to
 * (period + its silence) — the grace period given at restore must cover that. The caller chooses the period.
 *
 * <p><b>Ordering.</b> An upsert overwrites state, outage id and alarm start, but {@code last_seen_ms} never moves
 * backwards. A checkpoint snapshot taken before a transition that {@code StateWriter} committed would overwrite
 * that transition's state: run checkpoints and state commits from one writer, or take each checkpoint's snapshots
 * after the commits that precede it.
 *
 * <p>Rows are written in key order, so concurrent checkpoints and commits lock rows in the same order and cannot
 * deadlock. Thread-safe.
 */
public final class SourceRepository {
    /** Rows per JDBC batch and per transaction of a checkpoint. */
    static final int BATCH = 1_000;

    private static final String POSTGRES_UPSERT = """
            INSERT INTO sources (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
            ON CONFLICT (event_name, source_name) DO UPDATE SET
              state = EXCLUDED.state,
              last_seen_ms = GREATEST(sources.last_seen_ms, EXCLUDED.last_seen_ms),
              outage_id = EXCLUDED.outage_id,
              alarm_start_ms = EXCLUDED.alarm_start_ms,
              updated_at = EXCLUDED.updated_at""";

    // H2 has no ON CONFLICT DO UPDATE; standard MERGE needs typed parameters.
    private static final String H2_UPSERT = """
            MERGE INTO sources t
            USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(16)),
                           CAST(? AS BIGINT), CAST(? AS VARCHAR(64)), CAST(? AS BIGINT)))
                  AS s(event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms)
            ON t.event_name = s.event_name AND t.source_name = s.source_name
            WHEN MATCHED THEN UPDATE SET
              state = s.state,
              last_seen_ms = GREATEST(t.last_seen_ms, s.last_seen_ms),
              outage_id = s.outage_id,
              alarm_start_ms = s.alarm_start_ms,
              updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT
              (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, updated_at)
              VALUES (s.event_name, s.source_name, s.state, s.last_seen_ms, s.outage_id, s.alarm_start_ms,
                      CURRENT_TIMESTAMP)""";

    /**
     * H2: the rows that exist already (every source of an ONSET storm, and every checkpointed one) are written with a
     * plain update by primary key, ≈ 2× cheaper in H2 than its MERGE (JournalWrite, docs/benchmarks.md § 5); only the
     * rows it did not find go through {@link #H2_UPSERT}.
     */
    private static final String H2_UPDATE = """
            UPDATE sources SET state = ?, last_seen_ms = GREATEST(last_seen_ms, ?), outage_id = ?, alarm_start_ms = ?,
              updated_at = CURRENT_TIMESTAMP
            WHERE event_name = ? AND source_name = ?""";

    private static final Comparator<SourceKey> KEY_ORDER =
            Comparator.comparing(SourceKey::eventName).thenComparing(SourceKey::sourceName);

    private final Database db;
    private final boolean h2;

    public SourceRepository(Database db) {
        this.db = db;
        this.h2 = db.dialect() != Dialect.POSTGRESQL;
    }

    /** Every stored source. Streams from the database; a million rows need no more than their snapshots' heap. */
    public List<SourceSnapshot> loadAll() {
        return db.inTransaction(c -> {
            List<SourceSnapshot> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms FROM sources""")) {
                ps.setFetchSize(5_000); // PostgreSQL streams only inside a transaction with a fetch size
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SourceSnapshot(
                                new SourceKey(rs.getString(1), rs.getString(2)),
                                LivenessState.valueOf(rs.getString(3)),
                                rs.getLong(4),
                                rs.getString(5),
                                rs.getLong(6)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Upserts the given sources in batches of {@value #BATCH}, one transaction per batch (a checkpoint is not
     * atomic as a whole; each row is). If a key appears more than once, the last occurrence wins.
     */
    public void checkpoint(Collection<SourceSnapshot> sources) {
        List<SourceSnapshot> rows = sortedUnique(sources);
        for (int from = 0; from < rows.size(); from += BATCH) {
            List<SourceSnapshot> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
            db.inTransaction(c -> {
                writeSorted(c, chunk);
                return null;
            });
        }
    }

    /**
     * Upserts {@code sources} on the caller's connection, inside the caller's transaction (used by the
     * transactional state writer so that states and outbox rows commit together).
     */
    public void upsert(Connection c, Collection<SourceSnapshot> sources) throws SQLException {
        writeSorted(c, sortedUnique(sources));
    }

    private void writeSorted(Connection c, List<SourceSnapshot> rows) throws SQLException {
        if (rows.isEmpty()) return;
        if (!h2) {
            upsert(c, POSTGRES_UPSERT, rows);
            return;
        }
        List<SourceSnapshot> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(H2_UPDATE)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<SourceSnapshot> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                bindUpdates(ps, chunk);
                addNotFound(ps.executeBatch(), chunk, missing);
            }
        }
        upsert(c, H2_UPSERT, missing);
    }

    /**
     * Binds one chunk of {@link #H2_UPDATE}. Its loops are methods of their own, apart from {@code executeBatch}: a
     * storm runs them 10,000 times per transaction, so the JIT compiles them while it runs (on-stack replacement),
     * and such a compile takes in everything the method around the loop calls — with the loop inline here, H2's whole
     * batch update, 0.4–0.7 s of a C2 thread per version inside a storm (docs/benchmarks.md § 5, "Session 9").
     */
    private static void bindUpdates(PreparedStatement ps, List<SourceSnapshot> chunk) throws SQLException {
        for (SourceSnapshot s : chunk) {
            ps.setString(1, s.state().name());
            ps.setLong(2, s.lastSeenMillis());
            if (s.outageId() == null) ps.setNull(3, Types.VARCHAR);
            else ps.setString(3, s.outageId());
            ps.setLong(4, s.alarmStartMillis());
            ps.setString(5, s.key().eventName());
            ps.setString(6, s.key().sourceName());
            ps.addBatch();
        }
    }

    /** The rows of {@code chunk} the update did not find (a loop of its own, as in {@link #bindUpdates}). */
    private static void addNotFound(int[] counts, List<SourceSnapshot> chunk, List<SourceSnapshot> missing) {
        for (int i = 0; i < counts.length; i++) if (counts[i] == 0) missing.add(chunk.get(i));
    }

    private static void upsert(Connection c, String sql, List<SourceSnapshot> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (SourceSnapshot s : rows) {
                ps.setString(1, s.key().eventName());
                ps.setString(2, s.key().sourceName());
                ps.setString(3, s.state().name());
                ps.setLong(4, s.lastSeenMillis());
                if (s.outageId() == null) ps.setNull(5, Types.VARCHAR);
                else ps.setString(5, s.outageId());
                ps.setLong(6, s.alarmStartMillis());
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) ps.executeBatch();
        }
    }

    /**
     * Sorted by key (a stable lock order) and with one row per key: a multi-row PostgreSQL upsert may not touch the
     * same row twice.
     */
    private static List<SourceSnapshot> sortedUnique(Collection<SourceSnapshot> sources) {
        Map<SourceKey, SourceSnapshot> byKey = new LinkedHashMap<>(Math.max(16, sources.size() * 2));
        for (SourceSnapshot s : sources) byKey.put(s.key(), s);
        List<SourceSnapshot> rows = new ArrayList<>(byKey.values());
        rows.sort(Comparator.comparing(SourceSnapshot::key, KEY_ORDER));
        return rows;
    }

    /** Forgets these sources (e.g. removed by an operator). Unknown keys are ignored. */
    public void delete(Collection<SourceKey> keys) {
        if (keys.isEmpty()) return;
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM sources WHERE event_name = ? AND source_name = ?")) {
                for (SourceKey k : keys) {
                    ps.setString(1, k.eventName());
                    ps.setString(2, k.sourceName());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Forgets every source of an eventName (its monitor was removed). Returns how many were deleted. */
    public int deleteEventName(String eventName) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sources WHERE event_name = ?")) {
                ps.setString(1, eventName);
                return ps.executeUpdate();
            }
        });
    }
}

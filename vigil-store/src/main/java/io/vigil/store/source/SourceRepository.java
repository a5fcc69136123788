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
import java.util.HashMap;
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
            INSERT INTO sources (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
            ON CONFLICT (event_name, source_name) DO UPDATE SET
              state = EXCLUDED.state,
              last_seen_ms = GREATEST(sources.last_seen_ms, EXCLUDED.last_seen_ms),
              outage_id = EXCLUDED.outage_id,
              alarm_start_ms = EXCLUDED.alarm_start_ms,
              state_seq = EXCLUDED.state_seq,
              updated_at = EXCLUDED.updated_at""";

    // H2 has no ON CONFLICT DO UPDATE; standard MERGE needs typed parameters.
    private static final String H2_UPSERT = """
            MERGE INTO sources t
            USING (VALUES (CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(255)), CAST(? AS VARCHAR(16)),
                           CAST(? AS BIGINT), CAST(? AS VARCHAR(64)), CAST(? AS BIGINT), CAST(? AS BIGINT)))
                  AS s(event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq)
            ON t.event_name = s.event_name AND t.source_name = s.source_name
            WHEN MATCHED THEN UPDATE SET
              state = s.state,
              last_seen_ms = GREATEST(t.last_seen_ms, s.last_seen_ms),
              outage_id = s.outage_id,
              alarm_start_ms = s.alarm_start_ms,
              state_seq = s.state_seq,
              updated_at = CURRENT_TIMESTAMP
            WHEN NOT MATCHED THEN INSERT
              (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq, updated_at)
              VALUES (s.event_name, s.source_name, s.state, s.last_seen_ms, s.outage_id, s.alarm_start_ms,
                      s.state_seq, CURRENT_TIMESTAMP)""";

    /**
     * H2: the rows that exist already (every source of an ONSET storm, and every checkpointed one) are written with a
     * plain update by primary key, ≈ 2× cheaper in H2 than its MERGE (JournalWrite, docs/benchmarks.md § 5); only the
     * rows it did not find go through {@link #H2_UPSERT}.
     */
    private static final String H2_UPDATE = """
            UPDATE sources SET state = ?, last_seen_ms = GREATEST(last_seen_ms, ?), outage_id = ?, alarm_start_ms = ?,
              state_seq = ?, updated_at = CURRENT_TIMESTAMP
            WHERE event_name = ? AND source_name = ?""";

    private static final Comparator<SourceKey> KEY_ORDER =
            Comparator.comparing(SourceKey::eventName).thenComparing(SourceKey::sourceName);

    private final Database db;
    private final boolean h2;

    public SourceRepository(Database db) {
        this.db = db;
        this.h2 = db.dialect() != Dialect.POSTGRESQL;
    }

    /**
     * Every stored source: the table, with the states of the outbox rows it has not caught up with yet laid over it
     * (a row's state replaces the table's when it was written after it: {@code state_seq}). Streams from the
     * database; a million rows need no more than their snapshots' heap.
     */
    public List<SourceSnapshot> loadAll() {
        return db.inTransaction(c -> {
            // the outbox's rows first: applying them moves their states into the table and the cursor past them, so
            // whatever is applied between the two reads is then found in the table
            Map<SourceKey, OutboxState> overlay = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement(UNAPPLIED_STATES)) {
                ps.setLong(1, stateCursor(c, false));
                ps.setFetchSize(5_000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        OutboxState row = outboxState(rs);
                        overlay.put(row.snapshot().key(), row); // ordered by seq: the latest wins
                    }
                }
            }
            List<SourceSnapshot> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq FROM sources""")) {
                ps.setFetchSize(5_000); // PostgreSQL streams only inside a transaction with a fetch size
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        SourceSnapshot stored = new SourceSnapshot(
                                new SourceKey(rs.getString(1), rs.getString(2)),
                                LivenessState.valueOf(rs.getString(3)),
                                rs.getLong(4),
                                rs.getString(5),
                                rs.getLong(6));
                        OutboxState newer = overlay.isEmpty() ? null : overlay.remove(stored.key());
                        out.add(newer != null && newer.seq() > rs.getLong(7) ? newer.over(stored) : stored);
                    }
                }
            }
            for (OutboxState row : overlay.values()) out.add(row.snapshot()); // a source whose first row is an alarm
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
                writeSorted(c, chunk, outboxHead(c));
                return null;
            });
        }
    }

    /**
     * Upserts {@code sources} on the caller's connection, inside the caller's transaction (used by the
     * transactional state writer so that states and outbox rows commit together). Each row's state is marked as
     * standing at the outbox's head as this transaction sees it, so no outbox row written before it overwrites it
     * ({@link #applyOutboxStates}, {@link #loadAll}).
     */
    public void upsert(Connection c, Collection<SourceSnapshot> sources) throws SQLException {
        if (sources.isEmpty()) return;
        writeSorted(c, sortedUnique(sources), outboxHead(c));
    }

    /**
     * A checkpoint's write, on the caller's connection and transaction: each source's {@code last_seen_ms} moves
     * forward and nothing else of an existing row changes — its state, outage and {@code state_seq} are the change
     * events' (a checkpoint's snapshot may hold a transition whose event is not committed yet; written, a crash
     * before that commit would leave the state without its event: an ONSET never delivered). A source without a row
     * gets one, ALIVE (a snapshot's MISSING too, for the same reason) and standing at position 0, so that any alarm
     * row of it — committed or to come — stands over it.
     */
    public void writeLastSeen(Connection c, Collection<SourceSnapshot> snapshots) throws SQLException {
        if (snapshots.isEmpty()) return;
        List<SourceSnapshot> rows = sortedUnique(snapshots);
        List<SourceSnapshot> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(LAST_SEEN_UPDATE)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<SourceSnapshot> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                bindLastSeen(ps, chunk);
                addNotFound(ps.executeBatch(), chunk, missing);
            }
        }
        if (missing.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(FIRST_ROW_INSERT)) {
            for (SourceSnapshot s : missing) {
                LivenessState state = s.state() == LivenessState.MISSING ? LivenessState.ALIVE : s.state();
                bindRow(ps, new SourceSnapshot(s.key(), state, s.lastSeenMillis(), null, 0), 0);
            }
            ps.executeBatch(); // the callers hold the lease row's lock: nobody else inserts a source meanwhile
        }
    }

    private static final String LAST_SEEN_UPDATE = """
            UPDATE sources SET last_seen_ms = GREATEST(last_seen_ms, ?), updated_at = CURRENT_TIMESTAMP
            WHERE event_name = ? AND source_name = ?""";

    private static final String FIRST_ROW_INSERT = """
            INSERT INTO sources (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
            ON CONFLICT DO NOTHING""";

    /**
     * Adds one row of a statement whose parameters are a whole {@code sources} row: event_name, source_name, state,
     * last_seen_ms, outage_id, alarm_start_ms, state_seq ({@link #POSTGRES_UPSERT}, {@link #H2_UPSERT},
     * {@link #APPLY_INSERT}, {@link #FIRST_ROW_INSERT}).
     */
    private static void bindRow(PreparedStatement ps, SourceSnapshot s, long stateSeq) throws SQLException {
        ps.setString(1, s.key().eventName());
        ps.setString(2, s.key().sourceName());
        ps.setString(3, s.state().name());
        ps.setLong(4, s.lastSeenMillis());
        if (s.outageId() == null) ps.setNull(5, Types.VARCHAR);
        else ps.setString(5, s.outageId());
        ps.setLong(6, s.alarmStartMillis());
        ps.setLong(7, stateSeq);
        ps.addBatch();
    }

    /** Binds one chunk of {@link #LAST_SEEN_UPDATE} (a loop of its own, as {@link #bindUpdates}). */
    private static void bindLastSeen(PreparedStatement ps, List<SourceSnapshot> chunk) throws SQLException {
        for (SourceSnapshot s : chunk) {
            ps.setLong(1, s.lastSeenMillis());
            ps.setString(2, s.key().eventName());
            ps.setString(3, s.key().sourceName());
            ps.addBatch();
        }
    }

    /** The highest outbox seq this transaction sees, 0 for an empty outbox. */
    public static long outboxHead(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM outbox");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void writeSorted(Connection c, List<SourceSnapshot> rows, long stateSeq) throws SQLException {
        if (rows.isEmpty()) return;
        if (!h2) {
            upsert(c, POSTGRES_UPSERT, rows, stateSeq);
            return;
        }
        List<SourceSnapshot> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(H2_UPDATE)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<SourceSnapshot> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                bindUpdates(ps, chunk, stateSeq);
                addNotFound(ps.executeBatch(), chunk, missing);
            }
        }
        upsert(c, H2_UPSERT, missing, stateSeq);
    }

    /**
     * Binds one chunk of {@link #H2_UPDATE}. Its loops are methods of their own, apart from {@code executeBatch}: a
     * storm runs them 10,000 times per transaction, so the JIT compiles them while it runs (on-stack replacement),
     * and such a compile takes in everything the method around the loop calls — with the loop inline here, H2's whole
     * batch update, 0.4–0.7 s of a C2 thread per version inside a storm (docs/benchmarks.md § 5, "Session 9").
     */
    private static void bindUpdates(PreparedStatement ps, List<SourceSnapshot> chunk, long stateSeq) throws SQLException {
        for (SourceSnapshot s : chunk) {
            ps.setString(1, s.state().name());
            ps.setLong(2, s.lastSeenMillis());
            if (s.outageId() == null) ps.setNull(3, Types.VARCHAR);
            else ps.setString(3, s.outageId());
            ps.setLong(4, s.alarmStartMillis());
            ps.setLong(5, stateSeq);
            ps.setString(6, s.key().eventName());
            ps.setString(7, s.key().sourceName());
            ps.addBatch();
        }
    }

    /** The rows of {@code chunk} the update did not find (a loop of its own, as in {@link #bindUpdates}). */
    private static void addNotFound(int[] counts, List<SourceSnapshot> chunk, List<SourceSnapshot> missing) {
        for (int i = 0; i < counts.length; i++) if (counts[i] == 0) missing.add(chunk.get(i));
    }

    private static void upsert(Connection c, String sql, List<SourceSnapshot> rows, long stateSeq) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (SourceSnapshot s : rows) {
                bindRow(ps, s, stateSeq);
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

    /**
     * Forgets these sources (e.g. removed by an operator). Unknown keys are ignored. The states their outbox rows
     * carry are forgotten with them, so that catching up does not bring them back.
     */
    public void delete(Collection<SourceKey> keys) {
        if (keys.isEmpty()) return;
        db.inTransaction(c -> {
            for (String sql : List.of("DELETE FROM sources WHERE event_name = ? AND source_name = ?",
                    "UPDATE outbox SET source_state = NULL WHERE event_name = ? AND source_name = ? AND source_state IS NOT NULL")) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (SourceKey k : keys) {
                        ps.setString(1, k.eventName());
                        ps.setString(2, k.sourceName());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    /**
     * Forgets every source of an eventName (its monitor was removed), and the states its outbox rows carry. Returns
     * how many sources were deleted.
     */
    public int deleteEventName(String eventName) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE outbox SET source_state = NULL WHERE event_name = ? AND source_state IS NOT NULL")) {
                ps.setString(1, eventName);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM sources WHERE event_name = ?")) {
                ps.setString(1, eventName);
                return ps.executeUpdate();
            }
        });
    }

    // ------------------------------------------------------------------ states carried by outbox rows

    /** The outbox cursor of the sources table: every state of a row at or below it is in the table (or superseded). */
    public static final String STATE_CURSOR = "state:sources";

    private static final String UNAPPLIED_STATES = """
            SELECT seq, event_name, source_name, source_state, source_last_seen_ms, source_outage_id, source_alarm_start_ms
            FROM outbox WHERE seq > ? AND source_state IS NOT NULL ORDER BY seq""";

    private static final String APPLY_UPDATE = """
            UPDATE sources SET state = ?, last_seen_ms = GREATEST(last_seen_ms, ?), outage_id = ?, alarm_start_ms = ?,
              state_seq = ?, updated_at = CURRENT_TIMESTAMP
            WHERE event_name = ? AND source_name = ? AND state_seq < ?""";

    private static final String APPLY_INSERT = """
            INSERT INTO sources (event_name, source_name, state, last_seen_ms, outage_id, alarm_start_ms, state_seq, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)
            ON CONFLICT DO NOTHING""";

    /** One outbox row's source state and the row's seq. */
    private record OutboxState(long seq, SourceSnapshot snapshot) {
        /** This state over a stored one written before it: the last heartbeat time never moves back. */
        SourceSnapshot over(SourceSnapshot stored) {
            if (stored.lastSeenMillis() <= snapshot.lastSeenMillis()) return snapshot;
            return new SourceSnapshot(snapshot.key(), snapshot.state(), stored.lastSeenMillis(), snapshot.outageId(),
                    snapshot.alarmStartMillis());
        }
    }

    private static OutboxState outboxState(ResultSet rs) throws SQLException {
        return new OutboxState(rs.getLong(1), new SourceSnapshot(new SourceKey(rs.getString(2), rs.getString(3)),
                LivenessState.valueOf(rs.getString(4)), rs.getLong(5), rs.getString(6), rs.getLong(7)));
    }

    /** What one {@link #applyOutboxStates} did. */
    public record Applied(int sources, boolean more) {
    }

    /**
     * Moves the states of up to {@code limit} outbox rows past the cursor into the table, on the caller's connection
     * and transaction (which must serialize with the outbox's writers: {@code StateWriter} locks the lease row first).
     * A row's state replaces a source's only when the source's stored state is older than the row
     * ({@code state_seq}); a source with no row gets one. Idempotent.
     */
    public Applied applyOutboxStates(Connection c, int limit) throws SQLException {
        long cursor = stateCursor(c, true);
        long head = outboxHead(c);
        if (head <= cursor) return new Applied(0, false);
        Map<SourceKey, OutboxState> latest = new LinkedHashMap<>();
        int read = 0;
        long last = cursor;
        try (PreparedStatement ps = c.prepareStatement(UNAPPLIED_STATES + " LIMIT ?")) {
            ps.setLong(1, cursor);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OutboxState row = outboxState(rs);
                    latest.put(row.snapshot().key(), row);
                    last = row.seq();
                    read++;
                }
            }
        }
        boolean more = read == limit;
        List<OutboxState> rows = new ArrayList<>(latest.values());
        rows.sort(Comparator.comparing(r -> r.snapshot().key(), KEY_ORDER)); // the lock order of every writer
        List<OutboxState> notUpdated = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(APPLY_UPDATE)) {
            for (int from = 0; from < rows.size(); from += BATCH) {
                List<OutboxState> chunk = rows.subList(from, Math.min(rows.size(), from + BATCH));
                for (OutboxState r : chunk) {
                    SourceSnapshot s = r.snapshot();
                    ps.setString(1, s.state().name());
                    ps.setLong(2, s.lastSeenMillis());
                    if (s.outageId() == null) ps.setNull(3, Types.VARCHAR);
                    else ps.setString(3, s.outageId());
                    ps.setLong(4, s.alarmStartMillis());
                    ps.setLong(5, r.seq());
                    ps.setString(6, s.key().eventName());
                    ps.setString(7, s.key().sourceName());
                    ps.setLong(8, r.seq());
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) if (counts[i] == 0) notUpdated.add(chunk.get(i));
            }
        }
        if (!notUpdated.isEmpty()) { // no row yet, or a newer state than this one: only the first gets inserted
            try (PreparedStatement ps = c.prepareStatement(APPLY_INSERT)) {
                for (OutboxState r : notUpdated) bindRow(ps, r.snapshot(), r.seq());
                ps.executeBatch();
            }
        }
        // rows without a state between the cursor and the head need nothing: when all were read, the cursor moves to
        // the head (so that pruning is not held back by rows this table never needed)
        long upTo = more ? last : head;
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE sink_cursor SET last_seq = ? WHERE sink_name = ? AND last_seq < ?")) {
            ps.setLong(1, upTo);
            ps.setString(2, STATE_CURSOR);
            ps.setLong(3, upTo);
            ps.executeUpdate();
        }
        return new Applied(latest.size(), more);
    }

    /** The sources table's outbox cursor; {@code create}: registered at 0 when missing (every row is then read). */
    private static long stateCursor(Connection c, boolean create) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM sink_cursor WHERE sink_name = ?")) {
            ps.setString(1, STATE_CURSOR);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) return rs.getLong(1);
            }
        }
        if (create) {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO sink_cursor (sink_name, last_seq) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
                ps.setString(1, STATE_CURSOR);
                ps.executeUpdate();
            }
        }
        return 0;
    }
}

package io.vigil.store.outbox;

import io.vigil.delivery.OutboxRecord;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.partition.PartitionFence;
import io.vigil.store.partition.PartitionOwnerRepository;
import io.vigil.store.partition.StalePartitionException;
import io.vigil.store.source.SourceRepository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Commits state transitions and their change events together: the transactional half of the outbox pattern.
 *
 * <p>Each {@link #commit} is one transaction that first locks the {@code active} lease row and checks the caller's
 * epoch against it (fencing: an instance that lost the lease cannot write a single row), then appends the outbox
 * entries and upserts the source states. An entry may carry its source's state instead
 * ({@link OutboxEntry#sourceState}: one row per event in a storm, not two); {@link #applyStates} moves such states
 * into the sources table later, and {@link SourceRepository#loadAll} reads those not moved yet. Because every commit holds that row lock, commits are serialized across
 * all instances, so outbox {@code seq} order is commit order and a relay reading {@code seq > cursor} never skips
 * a row that commits late. A takeover ({@link LeaseRepository#tryAcquire}) waits for an in-flight commit and
 * every commit after it sees the new epoch.
 *
 * <p>An entry whose eventId is already in the outbox is skipped, so retrying a commit whose outcome was unknown
 * (e.g. a connection lost during COMMIT) does not duplicate events. Thread-safe; callers should keep commits small
 * (one engine tick's transitions) since they serialize.
 *
 * <p><b>Active-active over Kafka partitions</b> ({@link #commitOwned}): several instances write, each for the
 * sources of the partitions it owns. The commit still locks the {@code active} row, so commits stay serialized
 * across all instances and outbox {@code seq} order stays commit order, but the fence is each touched partition's
 * epoch in {@code partition_owners} instead of the lease's.
 */
public final class StateWriter {
    private static final String INSERT_OUTBOX = """
            INSERT INTO outbox (event_id, event_name, source_name, kind, payload, epoch, created_at_ms, journaled_at_ms,
                                source_state, source_last_seen_ms, source_outage_id, source_alarm_start_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING""";

    private final Database db;
    private final SourceRepository sources;
    private final Clock clock;

    public StateWriter(Database db) {
        this(db, Clock.systemUTC());
    }

    /** @param clock stamps each outbox row's {@code journaled_at_ms} (the delivery stage metrics start there) */
    public StateWriter(Database db, Clock clock) {
        this.db = db;
        this.sources = new SourceRepository(db);
        this.clock = clock;
    }

    /** Where a writer puts what this store refuses for good. */
    public io.vigil.store.deadletter.DeadLetters deadLetters() {
        return db.deadLetters();
    }

    /**
     * Writes {@code states} and appends {@code events} atomically under {@code epoch}.
     *
     * @throws StaleEpochException when {@code epoch} is not the current epoch of the {@code active} lease (or no
     *                             such lease exists); nothing was written
     */
    public void commit(List<SourceSnapshot> states, List<OutboxEntry> events, long epoch) {
        Appended appended = db.inTransaction(c -> {
            long current = LeaseRepository.lockActiveEpoch(c);
            if (current != epoch) throw new StaleEpochException(epoch, current);
            Appended rows = append(c, events, e -> epoch, clock.millis());
            sources.upsert(c, states); // after the rows: these states stand over every row this commit appended
            return rows;
        });
        appended.toTail(db.outboxTail());
    }

    /**
     * A write-behind checkpoint under {@code epoch}, fenced like {@link #commit}: each source's last heartbeat time
     * moves forward; its state is left as the change events wrote it ({@link SourceRepository#writeLastSeen}).
     *
     * @throws StaleEpochException as {@link #commit}; nothing was written
     */
    public void checkpoint(List<SourceSnapshot> snapshots, long epoch) {
        db.inTransaction(c -> {
            long current = LeaseRepository.lockActiveEpoch(c);
            if (current != epoch) throw new StaleEpochException(epoch, current);
            sources.writeLastSeen(c, snapshots);
            return null;
        });
    }

    /**
     * Writes {@code states} and appends {@code events} atomically for an instance that owns the partitions of their
     * sources. Each outbox row records its partition's epoch.
     *
     * @throws StalePartitionException when the stored epoch of a partition touched by the write differs from the
     *                                 fence's (another instance was assigned it, or it is not owned at all);
     *                                 nothing was written
     */
    public void commitOwned(PartitionFence fence, List<SourceSnapshot> states, List<OutboxEntry> events) {
        commitOwned(fence, states, events, false);
    }

    /** {@link #checkpoint} for an instance that owns the partitions of the snapshots' sources, fenced like {@link #commitOwned}. */
    public void checkpointOwned(PartitionFence fence, List<SourceSnapshot> snapshots) {
        commitOwned(fence, snapshots, List.of(), true);
    }

    private void commitOwned(PartitionFence fence, List<SourceSnapshot> states, List<OutboxEntry> events, boolean lastSeenOnly) {
        Set<Integer> touched = new HashSet<>();
        for (SourceSnapshot s : states) touched.add(fence.partition(s.key().sourceName()));
        for (OutboxEntry e : events) touched.add(fence.partition(e.sourceName()));
        if (touched.isEmpty()) return;
        Appended appended = db.inTransaction(c -> {
            LeaseRepository.lockActiveEpoch(c); // serializes with every other commit and with partition takeovers
            Map<Integer, Long> stored = PartitionOwnerRepository.epochs(c, fence.topic(), touched);
            Set<Integer> stale = new HashSet<>();
            for (int p : touched) {
                Long current = stored.get(p);
                if (current == null || current != fence.epoch(p)) stale.add(p);
            }
            if (!stale.isEmpty()) throw new StalePartitionException(fence.topic(), stale);
            Appended rows = append(c, events, e -> fence.epoch(fence.partition(e.sourceName())), clock.millis());
            if (lastSeenOnly) sources.writeLastSeen(c, states);
            else sources.upsert(c, states);
            return rows;
        });
        appended.toTail(db.outboxTail());
    }

    private static void bindState(PreparedStatement ps, io.vigil.engine.SourceSnapshot state) throws SQLException {
        if (state == null) {
            ps.setNull(9, Types.VARCHAR);
            ps.setNull(10, Types.BIGINT);
            ps.setNull(11, Types.VARCHAR);
            ps.setNull(12, Types.BIGINT);
            return;
        }
        ps.setString(9, state.state().name());
        ps.setLong(10, state.lastSeenMillis());
        if (state.outageId() == null) ps.setNull(11, Types.VARCHAR);
        else ps.setString(11, state.outageId());
        ps.setLong(12, state.alarmStartMillis());
    }

    /**
     * Catches the sources table up with the states outbox rows carry ({@link OutboxEntry#sourceState}): up to
     * {@code limit} rows past its cursor, in one transaction fenced like {@link #commit}.
     *
     * @param epoch the lease epoch the caller writes under; negative for an instance that writes for Kafka
     *              partitions (the rows' states are applied only over older ones, so any instance may apply them)
     * @throws StaleEpochException when {@code epoch} is not the active lease's; nothing was written
     */
    public SourceRepository.Applied applyStates(long epoch, int limit) {
        return db.inTransaction(c -> {
            long current = LeaseRepository.lockActiveEpoch(c); // serializes with every commit: the head stands still
            if (epoch >= 0 && current != epoch) throw new StaleEpochException(epoch, current);
            return sources.applyOutboxStates(c, limit);
        });
    }

    /**
     * Appends the rows and tells what the {@link OutboxTail} may learn from them once the transaction commits.
     *
     * @param journaledAt when this transaction writes the rows (just before its commit)
     */
    private static Appended append(Connection c, List<OutboxEntry> events, ToLongFunction<OutboxEntry> epochOf,
                                   long journaledAt) throws SQLException {
        if (events.isEmpty()) return Appended.NOTHING;
        long before = SourceRepository.outboxHead(c); // under the commit lock: no other writer's row can follow it
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement(INSERT_OUTBOX)) {
            bind(ps, events, epochOf, journaledAt);
            counts = ps.executeBatch();
        }
        boolean counted = true;
        for (int n : counts) {
            if (n == Statement.SUCCESS_NO_INFO) counted = false; // PostgreSQL's rewritten batch reports no counts
            else if (n != 1) return Appended.NOTHING; // a duplicate skipped (a retried commit)
        }
        // H2 inserts a batch row by row: one row per entry and exactly as many new seqs means the entries took
        // before+1 … before+n in their order. Where counts are not reported, the rows say so themselves.
        boolean exact = counted ? SourceRepository.outboxHead(c) - before == events.size()
                : tookSeqsInOrder(c, before, events);
        return exact ? new Appended(before, events, journaledAt) : Appended.NOTHING;
    }

    /** Whether the rows after {@code before} are exactly {@code events}, in their order, at before+1 … before+n. */
    private static boolean tookSeqsInOrder(Connection c, long before, List<OutboxEntry> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, event_id FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?")) {
            ps.setLong(1, before);
            ps.setInt(2, events.size() + 1);
            try (ResultSet rs = ps.executeQuery()) {
                int i = 0;
                while (rs.next()) {
                    if (i == events.size() || rs.getLong(1) != before + 1 + i
                            || !rs.getString(2).equals(events.get(i).eventId())) return false;
                    i++;
                }
                return i == events.size();
            }
        }
    }

    /** The rows one transaction appended, in seq order after {@code before}; handed to the tail after the commit. */
    private record Appended(long before, List<OutboxEntry> entries, long journaledAt) {
        static final Appended NOTHING = new Appended(-1, List.of(), 0);

        void toTail(OutboxTail tail) {
            if (entries.isEmpty()) return;
            List<OutboxRecord> rows = new ArrayList<>(entries.size());
            long seq = before;
            for (OutboxEntry e : entries) {
                rows.add(new OutboxRecord(++seq, e.eventId(), e.eventName(), e.sourceName(), e.kind(), e.payload(),
                        e.createdAtMillis(), journaledAt));
            }
            tail.committed(before, rows);
        }
    }

    /**
     * Binds the outbox rows: a loop of its own, apart from {@code executeBatch}, for the reason given at
     * {@code SourceRepository.bindUpdates} (with the loop inline, its compile inside a storm took in H2's batch
     * insert: 1 s of a C2 thread).
     */
    private static void bind(PreparedStatement ps, List<OutboxEntry> events, ToLongFunction<OutboxEntry> epochOf,
                             long journaledAt) throws SQLException {
        for (OutboxEntry e : events) {
            ps.setString(1, e.eventId());
            ps.setString(2, e.eventName());
            ps.setString(3, e.sourceName());
            ps.setString(4, e.kind());
            ps.setString(5, e.payload());
            ps.setLong(6, epochOf.applyAsLong(e));
            ps.setLong(7, e.createdAtMillis());
            ps.setLong(8, journaledAt);
            bindState(ps, e.sourceState());
            ps.addBatch();
        }
    }
}

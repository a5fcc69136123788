package io.vigil.collect.rpc;

import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.store.Database;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventQueue} in the store's table {@code collect_event_queue}: one row per datasource of each non-empty
 * result ({@code seq, collector, rpc, datasource, payload, created_at_ms}; payload = that datasource's entities as a
 * JSON array). Written by one background thread in call order; rows older than {@link #RETENTION_MS} are pruned
 * now and then. A write that fails is logged and dropped: the queue is a record, not the engine's input.
 */
public final class StoreEventQueue implements EventQueue {
    private static final Logger log = LoggerFactory.getLogger(StoreEventQueue.class);
    static final long RETENTION_MS = 3_600_000;
    private final Database db;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("vigil-collect-queue").daemon(true).unstarted(r));
    private final AtomicLong written = new AtomicLong();

    public StoreEventQueue(Database db) {
        this.db = db;
    }

    @Override
    public void append(RpcResult r) {
        if (r.entities().isEmpty()) return;
        try {
            writer.execute(() -> write(r));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: nothing more is recorded
        }
    }

    private void write(RpcResult r) {
        try {
            db.inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO collect_event_queue (collector, rpc, datasource, payload, created_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                    for (String ds : r.datasources()) {
                        List<Entity> of = new ArrayList<>();
                        for (Entity e : r.entities()) if (ds.equals(e.datasource())) of.add(e);
                        if (of.isEmpty()) continue;
                        var arr = CollectJson.MAPPER.createArrayNode();
                        of.forEach(e -> arr.add(e.toJson()));
                        ps.setString(1, r.collector());
                        ps.setString(2, r.rpc());
                        ps.setString(3, ds);
                        ps.setString(4, CollectJson.write(arr));
                        ps.setLong(5, r.collectedAtMillis());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return null;
            });
            if (written.incrementAndGet() % 100 == 0) prune(r.collectedAtMillis() - RETENTION_MS);
        } catch (RuntimeException e) {
            if (io.vigil.store.deadletter.StoreErrors.isPermanent(e)) {
                db.deadLetters().record(io.vigil.store.deadletter.DeadLetterKind.COLLECTOR_RECORD,
                        r.collector() + "/" + r.rpc() + "/" + String.join(",", r.datasources()),
                        CollectJson.write(r.entities().stream().map(Entity::toJson).toList()),
                        io.vigil.store.deadletter.StoreErrors.describe(e), r.collectedAtMillis());
            } else {
                log.warn("could not record a {} result in the event queue ({}); the engine is not affected", r.rpc(), e.getMessage());
            }
        }
    }

    private void prune(long before) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM collect_event_queue WHERE created_at_ms < ?")) {
                ps.setLong(1, before);
                return ps.executeUpdate();
            }
        });
    }

    /** Waits for queued writes, then stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

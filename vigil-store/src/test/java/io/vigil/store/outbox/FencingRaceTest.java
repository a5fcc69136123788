package io.vigil.store.outbox;

import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.lease.StaleEpochException;
import io.vigil.store.testing.StoreTest;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FencingRaceTest {

    @StoreTest
    void commitsRacingATakeoverNeverLandAfterIt(Database db) throws Exception {
        LeaseRepository leases = new LeaseRepository(db);
        long oldEpoch = leases.tryAcquire(LeaseRepository.ACTIVE, "old", Duration.ofMinutes(1)).orElseThrow().epoch();
        StateWriter writer = new StateWriter(db);
        AtomicInteger committed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Boolean>> writers = new ArrayList<>();
        try {
            for (int t = 0; t < 3; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; ; i++) {
                        try {
                            writer.commit(List.of(), List.of(new OutboxEntry("old-" + thread + "-" + i, "hb", "s",
                                    "ONSET", "{}", i)), oldEpoch);
                            committed.incrementAndGet();
                        } catch (StaleEpochException fenced) {
                            return true;
                        }
                    }
                }));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> committed.get() >= 30);

            leases.release(LeaseRepository.ACTIVE, "old");
            long newEpoch = leases.tryAcquire(LeaseRepository.ACTIVE, "new", Duration.ofMinutes(1))
                    .orElseThrow().epoch();
            writer.commit(List.of(), List.of(new OutboxEntry("new-1", "hb", "s", "ABATED", "{}", 0)), newEpoch);

            for (Future<Boolean> w : writers) assertThat(w.get()).as("every old writer was fenced").isTrue();
            long lastOld = maxSeq(db, oldEpoch);
            long firstNew = minSeq(db, newEpoch);
            assertThat(lastOld).isLessThan(firstNew);
            assertThat(count(db, oldEpoch)).isEqualTo(committed.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static long maxSeq(Database db, long epoch) {
        return scalar(db, "SELECT MAX(seq) FROM outbox WHERE epoch = " + epoch);
    }

    private static long minSeq(Database db, long epoch) {
        return scalar(db, "SELECT MIN(seq) FROM outbox WHERE epoch = " + epoch);
    }

    private static long count(Database db, long epoch) {
        return scalar(db, "SELECT COUNT(*) FROM outbox WHERE epoch = " + epoch);
    }

    private static long scalar(Database db, String sql) {
        return db.withConnection(c -> {
            try (ResultSet rs = c.createStatement().executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}

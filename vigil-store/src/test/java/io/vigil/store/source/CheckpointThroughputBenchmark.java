package io.vigil.store.source;

import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoint upsert throughput, 100k rows, on each backend. Off by default (it takes seconds and measures the
 * machine, not behaviour); run with:
 * {@code ./vigil mvn -B -q -pl vigil-store -am test -Dtest=CheckpointThroughputBenchmark -Dvigil.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} and read {@code target/surefire-reports/*Benchmark-output.txt}.
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class CheckpointThroughputBenchmark {
    private static final int ROWS = 100_000;

    @StoreTest
    void checkpointOf100kRows(Database db) {
        SourceRepository repo = new SourceRepository(db);
        // Warm up the JIT and the driver on a separate key range, then clear it.
        repo.checkpoint(rows("warm", 20_000, 0));
        repo.deleteEventName("warm");

        long insertNanos = time(() -> repo.checkpoint(rows("hb", ROWS, 1)));
        long updateNanos = time(() -> repo.checkpoint(rows("hb", ROWS, 2)));
        long updateAgainNanos = time(() -> repo.checkpoint(rows("hb", ROWS, 3)));

        System.out.printf("checkpoint %s: insert %,d rows/s, update %,d rows/s, update again %,d rows/s%n",
                db.dialect(), perSecond(insertNanos), perSecond(updateNanos), perSecond(updateAgainNanos));
        assertThat(repo.loadAll()).hasSize(ROWS);
    }

    private static List<SourceSnapshot> rows(String event, int n, long lastSeen) {
        List<SourceSnapshot> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
            out.add(new SourceSnapshot(new SourceKey(event, "vnf-" + i), LivenessState.ALIVE, lastSeen, null, 0));
        return out;
    }

    private static long time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static long perSecond(long nanos) {
        return ROWS * 1_000_000_000L / nanos;
    }
}

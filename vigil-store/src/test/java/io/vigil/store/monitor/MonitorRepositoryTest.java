package io.vigil.store.monitor;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;
import io.vigil.store.testing.TestDatabases;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorRepositoryTest {

    static final Monitor VNF = new Monitor("Heartbeat_vDNS", Duration.ofSeconds(60), 3, TimeBase.EVENT,
            new ClosedLoop("ControlLoopEvent1", "vFireWall", "1.0.0.5", "resource=sampleResource", TargetType.VNF,
                    "genVnfName", "1.0.2"));
    static final Monitor VM = new Monitor("Heartbeat_vFW", Duration.ofMillis(1500), 1, TimeBase.ARRIVAL,
            ClosedLoop.NONE);

    @StoreTest
    void replaceAllStoresTheSetInOrderAndLoadReturnsIt(Database db) {
        MonitorRepository repo = new MonitorRepository(db);
        repo.replaceAll(List.of(VNF, VM));
        assertThat(repo.loadAll()).containsExactly(VNF, VM);
    }

    @StoreTest
    void replaceAllDropsMonitorsNoLongerConfigured(Database db) {
        MonitorRepository repo = new MonitorRepository(db);
        repo.replaceAll(List.of(VNF, VM));
        repo.replaceAll(List.of(VM));
        assertThat(repo.loadAll()).containsExactly(VM);
        repo.replaceAll(List.of());
        assertThat(repo.loadAll()).isEmpty();
    }

    private static final List<List<Monitor>> SETS = List.of(List.of(VNF, VM), List.of(VM), List.of(VNF));

    /** Each of {@link #SETS} stored 30 times by its own thread through its own store, all at once. */
    private static void replaceAtOnce(List<Database> stores) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SETS.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int k = 0; k < SETS.size(); k++) {
                MonitorRepository own = new MonitorRepository(stores.get(k % stores.size()));
                List<Monitor> set = SETS.get(k);
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 30; i++) own.replaceAll(set);
                }));
            }
            for (Future<?> run : runs) run.get(60, TimeUnit.SECONDS); // rethrows a failed transaction
        } finally {
            pool.shutdownNow();
        }
    }

    @StoreTest
    void writersInOneProcessReplacingTheSetAtOnceNeitherFailNorMixTheirSets(Database db) throws Exception {
        replaceAtOnce(List.of(db));
        assertThat(new MonitorRepository(db).loadAll()).isIn(SETS);
    }

    @Test
    void instancesOnOnePostgresDatabaseReplacingTheSetAtOnceNeitherFailNorMixTheirSets() throws Exception {
        // active-active instances: one database, a pool each, all storing their monitor sets as they start together
        try (TestDatabases.FreshPostgres pg = TestDatabases.freshPostgres();
             Database second = Database.open(pg.url(), TestDatabases.postgresUser(), TestDatabases.postgresPassword());
             Database third = Database.open(pg.url(), TestDatabases.postgresUser(), TestDatabases.postgresPassword())) {
            replaceAtOnce(List.of(pg.database(), second, third));
            assertThat(new MonitorRepository(pg.database()).loadAll()).isIn(SETS);
        }
    }
}

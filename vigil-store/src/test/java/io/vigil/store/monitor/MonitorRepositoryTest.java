package io.vigil.store.monitor;

import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;

import java.time.Duration;
import java.util.List;

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
}

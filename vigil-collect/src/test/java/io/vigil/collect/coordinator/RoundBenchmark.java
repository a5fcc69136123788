package io.vigil.collect.coordinator;

import io.vigil.collect.EventQueueSpec;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Vertx;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.TcpService;
import io.vigil.collect.datasource.CheckRunner;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.Datasources;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.rpc.CollectorHttpServer;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.rpc.HttpCollector;
import io.vigil.collect.snapshot.SnapshotStore;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.StateWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks-collect.md (opt-in: {@code -Dvigil.bench=true}): a round over 10,000 entities checked by
 * real TCP connects (half instances, half services, through a remote collector over HTTP), applied by the engine with
 * journal and snapshot on H2; and the latency of get_changes.
 */
@EnabledIfSystemProperty(named = "vigil.bench", matches = "true")
class RoundBenchmark {
    static final int ENTITIES = 10_000;

    @TempDir
    Path dir;

    @Test
    void roundOverTenThousandEntities() throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Vertx vertx = Vertx.vertx();
        TcpService svc = TcpService.start();
        Database db = Database.h2File(dir);
        long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "bench", Duration.ofHours(1)).orElseThrow().epoch();
        List<EntitySpec> es = new ArrayList<>();
        for (int i = 0; i < ENTITIES; i++) {
            es.add(i % 2 == 0 ? new EntitySpec(EntityType.INSTANCES, "i-" + i, "127.0.0.1", null, null, null, null)
                    : new EntitySpec(EntityType.SERVICES, "svc-" + i, "127.0.0.1", "mariadb", "slave", null, null));
        }
        DatasourceSpec ds = new DatasourceSpec("fleet", DatasourceSpec.Type.TCP, new CheckSpec.Tcp(svc.port(), null), null, null, es);
        CollectSettings settings = new CollectSettings(Duration.ofHours(1), Duration.ofHours(1), Duration.ofSeconds(60), null, EventQueueSpec.NONE, List.of(ds), null, null);
        CheckRunner checks = new CheckRunner(vertx, Clock.systemUTC());
        CollectorService service = new CollectorService("bench", Datasources.build(List.of(ds), checks, Clock.systemUTC()), EventQueue.NONE, Clock.systemUTC());
        CollectorHttpServer http = CollectorHttpServer.start(vertx, "127.0.0.1", 0, service);
        HttpCollector remote = new HttpCollector(vertx, "http://127.0.0.1:" + http.port(), Duration.ofSeconds(60));
        CollectEngine engine = new CollectEngine(settings, new CollectorPool(List.of(remote), Clock.systemUTC()), new SnapshotStore(db),
                new OutboxChangeWriter(new StateWriter(db), () -> epoch, Clock.systemUTC(), () -> { }), Clock.systemUTC(), () -> true);
        engine.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> engine.stats().round() > 0);

        int rounds = 5;
        long[] wall = new long[rounds];
        long[] cpu = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            long c0 = os.getProcessCpuTime(), t0 = System.nanoTime();
            engine.refresh().get(2, TimeUnit.MINUTES);
            wall[i] = (System.nanoTime() - t0) / 1_000_000;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1_000_000;
        }
        assertThat(engine.stats().entities()).isEqualTo(ENTITIES);
        long[] changes = new long[20];
        for (int i = 0; i < changes.length; i++) {
            long t0 = System.nanoTime();
            engine.changesNow().get(2, TimeUnit.MINUTES);
            changes[i] = (System.nanoTime() - t0) / 1_000_000;
        }
        Arrays.sort(changes);
        System.out.printf("BENCH get_all round over %d entities (TCP checks, HTTP RPC, journal+diff+snapshot on H2): wall ms %s, process CPU ms %s, engine apply ms %d%n",
                ENTITIES, Arrays.toString(wall), Arrays.toString(cpu), engine.stats().lastApplyMillis());
        System.out.printf("BENCH get_changes over %d entities, no change: median %d ms, max %d ms%n", ENTITIES, changes[changes.length / 2], changes[changes.length - 1]);
        engine.close();
        remote.close();
        http.close();
        checks.close();
        svc.close();
        db.close();
        vertx.close();
    }
}

package io.vigil.collect.coordinator;

import io.vigil.collect.EventQueueSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vigil.collect.CollectJson;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.TcpService;
import io.vigil.collect.datasource.CheckRunner;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.Datasources;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.rpc.CollectorPool;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.snapshot.SnapshotStore;
import io.vigil.delivery.OutboxRecord;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxRepository;
import io.vigil.store.outbox.StateWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine over real TCP services, the in-process collector and an H2 store ({@link CollectEnginePostgresTest}: PostgreSQL). */
class CollectEngineTest {
    @TempDir
    Path dir;
    Database db;
    Vertx vertx;
    CheckRunner checks;
    TcpService db1, ssh;
    long epoch;
    CollectSettings settings;
    final List<CollectEngine> engines = new ArrayList<>();

    /** The store the tests run on; closed by {@link #closeDatabase()}. */
    Database openDatabase() {
        return Database.h2File(dir);
    }

    void closeDatabase() {
        db.close();
    }

    @BeforeEach
    void setUp() {
        db = openDatabase();
        epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "test", Duration.ofMinutes(10)).orElseThrow().epoch();
        vertx = Vertx.vertx();
        checks = new CheckRunner(vertx, Clock.systemUTC());
        db1 = TcpService.start();
        ssh = TcpService.start();
        DatasourceSpec ds = new DatasourceSpec("local", DatasourceSpec.Type.INVENTORY, null, null, null, List.of(
                new EntitySpec(EntityType.INSTANCES, "i-1", "127.0.0.1", null, null, null, new CheckSpec.Tcp(ssh.port(), null)),
                new EntitySpec(EntityType.SERVICES, "node10", "127.0.0.1", "mariadb", "master", null, new CheckSpec.Tcp(db1.port(), null))));
        // long intervals: the tests drive rounds themselves with refresh() and changesNow()
        settings = new CollectSettings(Duration.ofHours(1), Duration.ofHours(1), null, null, EventQueueSpec.STORE, List.of(ds), null, null);
    }

    @AfterEach
    void tearDown() {
        engines.forEach(CollectEngine::close);
        checks.close();
        db1.close();
        ssh.close();
        vertx.close();
        closeDatabase();
    }

    private CollectEngine engine(ChangeWriter writer) {
        CollectorService local = new CollectorService("in-process", Datasources.build(settings.datasources(), checks, Clock.systemUTC()),
                EventQueue.NONE, Clock.systemUTC());
        CollectEngine e = new CollectEngine(settings, new CollectorPool(List.of(local), Clock.systemUTC()), new SnapshotStore(db),
                writer, Clock.systemUTC(), () -> true);
        engines.add(e);
        e.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> e.stats().round() > 0); // the first get_all at start
        return e;
    }

    private ChangeWriter outboxWriter() {
        return new OutboxChangeWriter(new StateWriter(db), () -> epoch, Clock.systemUTC(), () -> { });
    }

    private List<JsonNode> events() {
        List<JsonNode> out = new ArrayList<>();
        for (OutboxRecord r : new OutboxRepository(db).recent(0, 10_000))
            if (r.kind().equals(OutboxChangeWriter.KIND)) CollectJson.read(r.payload()).path("events").forEach(out::add);
        return out;
    }

    private static void run(java.util.concurrent.CompletableFuture<Void> f) throws Exception {
        f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void stoppedServiceIsReportedOnceAsConnectionRefusedAndAgainWhenItIsBack() throws Exception {
        CollectEngine e = engine(outboxWriter());
        assertThat(events()).as("the first round is the baseline").isEmpty();
        JsonNode hb = e.heartbeat("all", "all");
        assertThat(hb.path("services_status").path("services").get(0).path("state").asText()).isEqualTo("running");
        assertThat(hb.path("services_status").path("services").get(0).path("code").asText()).isEqualTo("000000");
        assertThat(hb.path("instances_status").path("instances").get(0).path("id").asText()).isEqualTo("i-1");

        db1.stop();
        run(e.changesNow());
        run(e.changesNow());
        assertThat(events()).as(() -> "heartbeat " + e.heartbeat("all", "all") + " stats " + e.stats()).hasSize(1);
        JsonNode ev = events().getFirst();
        assertThat(ev.path("name").asText()).isEqualTo("node10");
        assertThat(ev.path("type").asText()).isEqualTo("services");
        assertThat(ev.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(ev.path("previous_state").asText()).isEqualTo("running");
        assertThat(ev.path("state").asText()).isEqualTo("connection refused");
        assertThat(ev.path("previous_code").asText()).isEqualTo("000000");
        assertThat(ev.path("code").asText()).isEqualTo("100001");

        db1.restart();
        run(e.refresh());
        assertThat(events()).extracting(x -> x.path("state").asText()).containsExactly("connection refused", "running");
        assertThat(e.heartbeat("all", "db").path("services_status").path("services")).hasSize(1);
        assertThat(e.heartbeat("all", "db").path("instances_status").path("instances")).isEmpty();
    }

    @Test
    void restartLoadsTheSnapshotAndReplaysTheJournalWithoutLosingOrRepeatingEvents() throws Exception {
        CollectEngine first = engine(outboxWriter());
        ssh.stop();
        run(first.changesNow()); // written before the crash
        assertThat(events()).hasSize(1);

        // the next change reaches the journal but the process dies before its outbox write
        AtomicBoolean storeDown = new AtomicBoolean(false);
        ChangeWriter failing = (changes, seq) -> {
            if (storeDown.get()) throw new IllegalStateException("simulated outbox outage");
            outboxWriter().write(changes, seq);
        };
        first.close();
        CollectEngine crashing = engine(failing);
        storeDown.set(true);
        db1.stop();
        crashing.changesNow();
        SnapshotStore store = new SnapshotStore(db);
        long snapshotSeq = store.load().orElseThrow().journalSeq();
        await().atMost(Duration.ofSeconds(10)).until(() -> !store.after(snapshotSeq, 10).isEmpty());
        crashing.close();
        assertThat(events()).hasSize(1);

        CollectEngine restarted = engine(outboxWriter());
        assertThat(events()).extracting(x -> x.path("name").asText() + ":" + x.path("state").asText())
                .containsExactly("i-1:connection refused", "node10:connection refused");
        run(restarted.changesNow());
        run(restarted.refresh());
        assertThat(events()).as("nothing repeated after the replay").hasSize(2);
        assertThat(restarted.heartbeat("all", "all").path("services_status").path("services").get(0).path("state").asText())
                .isEqualTo("connection refused");
    }
}

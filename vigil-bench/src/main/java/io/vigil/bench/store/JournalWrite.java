package io.vigil.bench.store;

import io.vigil.bench.engine.BenchMonitors;
import io.vigil.engine.ChangeEvent;
import io.vigil.engine.LivenessState;
import io.vigil.engine.SourceKey;
import io.vigil.engine.SourceSnapshot;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.TargetType;
import io.vigil.onap.ControlLoopEvents;
import io.vigil.store.Database;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.store.outbox.OutboxEntry;
import io.vigil.store.outbox.StateWriter;
import io.vigil.store.source.SourceRepository;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The journal's cost in a storm, stage by stage: N sources already stored as ALIVE go MISSING at once, and their N
 * ONSETs are written the way {@code LivenessService}'s journal writes them — the payload JSON built per event
 * ({@link ControlLoopEvents#toJson}), then {@link StateWriter#commit} per batch (lease row lock + epoch check, the
 * sources' upsert, the outbox rows) — on H2 (a file database, as {@code vigil serve} opens it) and on PostgreSQL.
 *
 * <p>Each commit is timed three ways to split the transaction: states only, outbox rows only, both (what the
 * journal does). Figures per stage: wall time, the calling thread's CPU time (for H2 that is all the database's work,
 * it runs on the caller's thread; for PostgreSQL the server's own CPU is not in it) and events/s. The load average is
 * printed at the start and end: on a shared machine wall time measures the share of a core, CPU time the work.
 *
 * <pre>java -cp vigil-bench.jar io.vigil.bench.store.JournalWrite [N=100000] [h2|pg|both] [batch sizes, e.g. 1000,10000]
 *   [stages, default states,outbox,both,both]
 *   PG_URL (default jdbc:postgresql://127.0.0.1:5432/vigil_journal_bench), PG_USER (postgres),
 *   H2_CACHE_MB (H2's page cache; default H2's own, 16 MiB, as the server),
 *   H2_URL_EXTRA (appended to H2's URL, e.g. ";PAGE_SIZE=2048")</pre>
 */
public final class JournalWrite {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final ClosedLoop CLOSED_LOOP = new ClosedLoop("ControlLoop-vFirewall", "vFirewall-policy", "1.0.0",
            "resource=vFirewall;type=configuration", TargetType.VNF, "genVnfName", "1.0.2");

    private JournalWrite() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String stores = args.length > 1 ? args[1] : "both";
        List<Integer> batches = new ArrayList<>();
        for (String b : (args.length > 2 ? args[2] : "1000").split(",")) batches.add(Integer.parseInt(b.trim()));
        List<String> stages = List.of((args.length > 3 ? args[3] : "states,outbox,both,both").split(","));
        System.out.printf("JournalWrite: %,d ONSETs, batches %s, load %s%n", n, batches, load());

        List<ChangeEvent> events = onsets(n);
        json(events); // warm-up
        json(events);

        if (!stores.equals("pg")) {
            Path dir = Files.createTempDirectory("vigil-journal-bench");
            // H2_CACHE_MB: H2's page cache instead of its default (16 MiB), the server's
            String cacheMb = System.getenv("H2_CACHE_MB");
            String url = Database.h2FileUrl(dir) + (cacheMb == null ? "" : ";CACHE_SIZE=" + Integer.parseInt(cacheMb) * 1024)
                    + System.getenv().getOrDefault("H2_URL_EXTRA", ""); // e.g. ";PAGE_SIZE=2048", to try H2's settings
            System.out.printf("H2: %s%n", url);
            try (Database db = Database.open(url, "sa", "")) {
                run("h2", db, events, batches, stages);
            }
        }
        if (!stores.equals("h2")) {
            String url = System.getenv().getOrDefault("PG_URL", "jdbc:postgresql://127.0.0.1:5432/vigil_journal_bench");
            try (Database db = Database.open(url, System.getenv().getOrDefault("PG_USER", "postgres"), "")) {
                run("pg", db, events, batches, stages);
            }
        }
        System.out.printf("load at the end: %s%n", load());
    }

    /** N ONSETs as the engine makes them: an event id ({@code Engine.eventId}) and a random outage id each, one monitor. */
    static List<ChangeEvent> onsets(int n) {
        List<ChangeEvent> out = new ArrayList<>(n);
        long deadline = 1_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            SourceKey key = new SourceKey(BenchMonitors.EVENT_NAME, BenchMonitors.sourceName(i));
            out.add(new ChangeEvent(io.vigil.engine.Engine.eventId(deadline), key, LivenessState.ALIVE, LivenessState.MISSING,
                    deadline, deadline - 180_000, UUID.randomUUID().toString(), deadline, 0, "silent 180000 ms > 3 x 60000 ms"));
        }
        return out;
    }

    private static List<OutboxEntry> json(List<ChangeEvent> events) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        List<OutboxEntry> out = new ArrayList<>(events.size());
        ControlLoopEvents.Template template = new ControlLoopEvents.Template(CLOSED_LOOP); // one per monitor, as the journal
        for (ChangeEvent e : events) {
            out.add(new OutboxEntry(e.eventId(), e.source().eventName(), e.source().sourceName(), e.kind().name(),
                    template.toJson(e), e.atMillis()));
        }
        report("payload JSON", events.size(), System.nanoTime() - t0, THREADS.getCurrentThreadCpuTime() - cpu0);
        return out;
    }

    private static void run(String store, Database db, List<ChangeEvent> events, List<Integer> batches,
                            List<String> stages) {
        long epoch = new LeaseRepository(db).tryAcquire(LeaseRepository.ACTIVE, "bench", Duration.ofHours(1))
                .orElseThrow().epoch();
        StateWriter writer = new StateWriter(db);
        List<SourceSnapshot> alive = new ArrayList<>(events.size());
        List<SourceSnapshot> missing = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            alive.add(new SourceSnapshot(e.source(), LivenessState.ALIVE, e.lastSeenMillis(), null, 0));
            missing.add(e.snapshotAfter());
        }
        List<OutboxEntry> outbox = json(events);
        for (int batch : batches) {
            for (String what : stages) {
                new SourceRepository(db).checkpoint(alive); // every source ALIVE again, as before a storm
                db.withConnection(c -> c.createStatement().executeUpdate("DELETE FROM outbox"));
                if (db.dialect() == io.vigil.store.Dialect.H2) {
                    db.withConnection(c -> c.createStatement().execute("CHECKPOINT"));
                }
                long cpu0 = THREADS.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int from = 0; from < events.size(); from += batch) {
                    int to = Math.min(events.size(), from + batch);
                    writer.commit(what.equals("outbox") ? List.of() : missing.subList(from, to),
                            what.equals("states") ? List.of() : outbox.subList(from, to), epoch);
                }
                report(store + " commit " + what + ", " + batch + "/tx", events.size(), System.nanoTime() - t0,
                        THREADS.getCurrentThreadCpuTime() - cpu0);
            }
        }
    }

    private static void report(String what, int n, long wallNanos, long cpuNanos) {
        System.out.printf("%-34s %,9d events  wall %,8.0f ms (%,9.0f /s)  thread CPU %,8.0f ms (%,6.2f µs/event)  load %s%n",
                what, n, wallNanos / 1e6, n / (wallNanos / 1e9), cpuNanos / 1e6, cpuNanos / 1e3 / n, load());
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}

package io.vigil.cli;

import io.vertx.core.Vertx;
import io.vigil.collect.CollectSettings;
import io.vigil.collect.datasource.CheckRunner;
import io.vigil.collect.datasource.Datasources;
import io.vigil.collect.rpc.CollectorHttpServer;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.EventQueueSpec;
import io.vigil.server.collect.EventQueues;
import io.vigil.config.ConfigError;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil collector --config FILE --port P}: a collector on demand as its own process. It serves the collector
 * RPC ({@code POST /rpc/get_all}, {@code POST /rpc/get_changes}) and {@code GET /healthz} for the datasources of the
 * config file, has no timer of its own, and records its answers in the event queue (the config's PostgreSQL store,
 * else an H2 file under --data-dir).
 */
@Command(name = "collector", mixinStandardHelpOptions = true,
        description = {"Run a collector on demand for the datasources of FILE (collect.datasources).",
                "Serves POST /rpc/get_all, POST /rpc/get_changes, GET /rpc/datasources and GET /healthz.",
                "List its URL in collect.collectors of the engine's config; any number may run (active-active)."})
public final class CollectorCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "configuration file (Vigil YAML)")
    Path configFile;

    @Option(names = {"-p", "--port"}, paramLabel = "P", required = true, description = "HTTP port of the RPC (0 = any free port)")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0", description = "address to bind (default: ${DEFAULT-VALUE})")
    String host;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR",
            description = "directory of the H2 event queue when the config's store is not PostgreSQL (default: data/collector-<port>)")
    Path dataDir;

    @Option(names = "--id", paramLabel = "ID", description = "collector id in answers (default: collector@<host>:<port>)")
    String id;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(configFile)) {
            System.err.println("vigil: config file not found: " + configFile);
            return 2;
        }
        VigilConfig config;
        try {
            config = ConfigLoader.load(configFile);
        } catch (ConfigException e) {
            System.err.println("vigil: invalid configuration " + e.origin() + ":");
            for (ConfigError err : e.errors()) System.err.println("  " + err);
            return 2;
        }
        CollectSettings s = config.collect();
        if (s.datasources().isEmpty()) {
            System.err.println("vigil: " + configFile + " has no collect.datasources; a collector needs at least one");
            return 2;
        }
        Vertx vertx = Vertx.vertx();
        Database db = null;
        EventQueue queue = EventQueue.NONE;
        CheckRunner checks = new CheckRunner(vertx, Clock.systemUTC());
        CollectorHttpServer server;
        try {
            if (s.eventQueue() instanceof EventQueueSpec.Store) {
                String url = config.store().url();
                db = url != null && url.startsWith("jdbc:postgresql:") ? Database.open(url, config.store().user(), config.store().password())
                        : Database.h2File(dataDir != null ? dataDir : Path.of("data", "collector-" + port));
            }
            Database store = db;
            queue = EventQueues.open(s.eventQueue(), () -> store);
            String name = id;
            CollectorService service = new CollectorService(name == null ? "pending" : name,
                    Datasources.build(s.datasources(), checks, Clock.systemUTC()), queue, Clock.systemUTC());
            server = CollectorHttpServer.start(vertx, host, port, service);
            if (name == null) {
                // the default id names the port, known only once bound (--port 0): listen again on that same port
                int bound = server.port();
                service = new CollectorService("collector@" + java.net.InetAddress.getLocalHost().getHostName() + ":" + bound,
                        Datasources.build(s.datasources(), checks, Clock.systemUTC()), queue, Clock.systemUTC());
                server.close();
                server = CollectorHttpServer.start(vertx, host, bound, service);
            }
        } catch (Exception e) {
            System.err.println("vigil: collector could not start: " + e.getMessage());
            checks.close();
            queue.close();
            if (db != null) db.close();
            vertx.close();
            return 1;
        }
        System.err.println("vigil: collector listening on " + host + ":" + server.port() + " for datasources " + s.datasourceNames());
        System.out.println("{\"event\":\"listening\",\"port\":" + server.port() + "}");
        System.out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        CollectorHttpServer running = server;
        EventQueue q = queue;
        Database d = db;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            running.close();
            checks.close();
            q.close();
            if (d != null) d.close();
            vertx.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }
}

package io.vigil.cli;

import io.vigil.config.ConfigError;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.config.RemoteConfig;
import io.vigil.config.VigilConfig;
import io.vigil.server.ServerOptions;
import io.vigil.server.VigilServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil serve}: runs the service until SIGTERM/SIGINT; SIGHUP reloads the configuration. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run Vigil until SIGTERM or SIGINT.",
                "Without --config: embedded H2 store under --data-dir, HTTP on 8080,",
                "and a demo monitor (Heartbeat_demo) with a demo source that goes ALIVE -> MISSING -> ALIVE.",
                "FILE is Vigil YAML or ONAP's heartbeat-service config JSON (recognised automatically).",
                "SIGHUP or POST /api/v1/config/reload re-reads the config (remote URL if set, else FILE)."})
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "configuration file (YAML or ONAP JSON)")
    Path configFile;

    @Option(names = {"-p", "--port"}, paramLabel = "N", description = "HTTP port (overrides http.port; 0 = any free port)")
    Integer port;

    @Option(names = {"-d", "--data-dir"}, paramLabel = "DIR", defaultValue = "data",
            description = "directory of the embedded H2 store (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Option(names = "--config-url", paramLabel = "URL",
            description = "remote config (ONAP config binding service shape), polled per config.remote.pollInterval; env VIGIL_CONFIG_URL")
    String configUrl;

    public ServeCommand() {
    }

    @Override
    public Integer call() throws Exception {
        String remote = configUrl != null ? configUrl : RemoteConfig.urlFromEnvironment(System.getenv());
        VigilConfig config;
        boolean demo = false;
        try {
            if (configFile != null) {
                config = ConfigLoader.load(configFile); // a missing file, a device or a FIFO is a ConfigException
            } else if (remote != null) {
                config = new RemoteConfig().fetch(remote);
            } else {
                config = VigilConfig.defaults().withMonitors(List.of(io.vigil.server.DemoSource.monitor()));
                demo = true;
            }
        } catch (ConfigException e) {
            System.err.println("vigil: invalid configuration " + e.origin() + ":");
            for (ConfigError err : e.errors()) System.err.println("  " + err);
            return 2;
        }
        if (remote != null) config = config.withRemote(config.remote().withUrl(remote));
        if (port != null) config = config.withHttp(config.http().withPort(port));
        var fatal = io.vigil.server.FatalErrors.install();
        VigilServer server;
        try {
            server = VigilServer.start(new ServerOptions(config, configFile, dataDir, demo));
        } catch (Exception e) {
            log.error("Vigil could not start: {}", e.getMessage(), e);
            System.err.println("vigil: could not start: " + e.getMessage());
            return 1;
        }
        if (demo) {
            System.err.println("vigil: demo mode (no --config): watch 'demo-vnf' go ALIVE -> MISSING -> ALIVE with"
                    + " './vigil sources', or send your own: see README.md");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("vigil-shutdown").unstarted(() -> {
            server.close();
            stopped.countDown();
        }));
        server.vertx().exceptionHandler(fatal::onEventLoopError);
        installSighup(server);
        stopped.await();
        return 0;
    }

    private static void installSighup(VigilServer server) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofPlatform().name("vigil-sighup").start(() -> {
                log.info("SIGHUP: reloading the configuration and the TLS certificate files");
                server.reloadCertificates();
                server.reload();
            }));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.info("SIGHUP reload is not available on this platform; use POST /api/v1/config/reload");
        }
    }
}

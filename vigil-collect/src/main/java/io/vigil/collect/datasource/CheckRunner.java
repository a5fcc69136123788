package io.vigil.collect.datasource;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vigil.collect.CollectJson;
import io.vigil.collect.process.ExternalCommand;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Runs entity checks without blocking an event loop: TCP connects and HTTP requests on Vert.x, commands on virtual
 * threads. At most {@value #MAX_IN_FLIGHT} checks of one {@link #checkAll} call are in flight at once (10,000 TCP
 * checks would otherwise open 10,000 sockets at the same moment; the process limit here is 20,000) and at most
 * {@value #MAX_COMMANDS} commands run at once. A check never fails its future: a failure is a state and a code.
 * Thread-safe; close it to release its clients.
 */
public final class CheckRunner implements AutoCloseable {
    static final int MAX_IN_FLIGHT = 256;
    static final int MAX_COMMANDS = 16;

    private final Vertx vertx;
    private final Clock clock;
    private final Map<Long, NetClient> netClients = new ConcurrentHashMap<>();
    private final HttpClientAgent http;
    private final ExecutorService commands = Executors.newVirtualThreadPerTaskExecutor();
    private final Semaphore commandSlots = new Semaphore(MAX_COMMANDS);

    public CheckRunner(Vertx vertx, Clock clock) {
        this.vertx = vertx;
        this.clock = clock;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false).setConnectTimeout(5000),
                new PoolOptions().setHttp1MaxSize(64));
    }

    /** Checks every entity with its own check or {@code dflt}; completes with one entity per spec, in order. */
    public Future<List<Entity>> checkAll(List<EntitySpec> specs, CheckSpec dflt, String datasource) {
        if (specs.isEmpty()) return Future.succeededFuture(List.of());
        return new Batch(specs, dflt, datasource).start();
    }

    /**
     * One checkAll call: a window of at most MAX_IN_FLIGHT checks. Completions may arrive synchronously (a check
     * with nothing to do) or on any event loop, so the window is pumped in a loop under a lock, never recursively.
     */
    private final class Batch {
        private final List<EntitySpec> specs;
        private final CheckSpec dflt;
        private final String datasource;
        private final Entity[] results;
        private final Promise<List<Entity>> done = Promise.promise();
        private int next, inFlight, finished; // guarded by this
        private boolean pumping; // guarded by this

        Batch(List<EntitySpec> specs, CheckSpec dflt, String datasource) {
            this.specs = specs;
            this.dflt = dflt;
            this.datasource = datasource;
            this.results = new Entity[specs.size()];
        }

        Future<List<Entity>> start() {
            pump();
            return done.future();
        }

        private void pump() {
            synchronized (this) {
                if (pumping) return;
                pumping = true;
            }
            while (true) {
                int i;
                synchronized (this) {
                    if (inFlight >= MAX_IN_FLIGHT || next >= specs.size()) {
                        pumping = false;
                        return;
                    }
                    i = next++;
                    inFlight++;
                }
                EntitySpec s = specs.get(i);
                check(s, s.check() != null ? s.check() : dflt, datasource).onComplete(ar -> finish(i, s, ar));
            }
        }

        private void finish(int i, EntitySpec s, io.vertx.core.AsyncResult<Entity> ar) {
            results[i] = ar.succeeded() ? ar.result() : observed(s, datasource, "check failed: " + ar.cause(), StatusCodes.NETWORK_ERROR);
            boolean all;
            synchronized (this) {
                inFlight--;
                all = ++finished == specs.size();
            }
            if (all) done.complete(List.of(results));
            else pump();
        }
    }

    /** Runs one check; never fails. */
    public Future<Entity> check(EntitySpec s, CheckSpec check, String datasource) {
        if (check == null || check instanceof CheckSpec.None) return Future.succeededFuture(observed(s, datasource, Entity.RUNNING, Entity.OK));
        if (s.ip() == null && !(check instanceof CheckSpec.Command) && !(check instanceof CheckSpec.Http h && h.url() != null)
                && !(check instanceof CheckSpec.Database d && !d.url().contains("{ip}")))
            return Future.succeededFuture(observed(s, datasource, "no ip", StatusCodes.NETWORK_ERROR));
        return switch (check) {
            case CheckSpec.Tcp t -> tcp(s, t, datasource);
            case CheckSpec.Http h -> http(s, h, datasource);
            case CheckSpec.Command c -> command(s, c, datasource);
            case CheckSpec.Database d -> database(s, d, datasource);
            case CheckSpec.None none -> Future.succeededFuture(observed(s, datasource, Entity.RUNNING, Entity.OK));
        };
    }

    private Future<Entity> tcp(EntitySpec s, CheckSpec.Tcp t, String ds) {
        NetClient client = netClients.computeIfAbsent(t.timeout().toMillis(),
                ms -> vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) (long) ms)));
        return client.connect(t.port(), s.ip()).transform(ar -> {
            if (ar.succeeded()) {
                ar.result().close();
                return Future.succeededFuture(observed(s, ds, Entity.RUNNING, Entity.OK));
            }
            String[] sc = StatusCodes.network(ar.cause());
            return Future.succeededFuture(observed(s, ds, sc[0], sc[1]));
        });
    }

    private Future<Entity> http(EntitySpec s, CheckSpec.Http h, String ds) {
        String url = h.url() != null ? h.url() : "http://" + s.ip() + ":" + h.port() + h.path();
        RequestOptions ro = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                .setConnectTimeout(h.timeout().toMillis()).setIdleTimeout(h.timeout().toMillis());
        return http.request(ro).compose(req -> req.send().compose(resp -> resp.body().map(body -> {
            int st = resp.statusCode();
            boolean statusOk = h.expectStatus() == null ? st >= 200 && st < 300 : st == h.expectStatus();
            if (!statusOk) return observed(s, ds, "http " + st, StatusCodes.http(st));
            if (h.field() == null) return observed(s, ds, Entity.RUNNING, Entity.OK);
            String value;
            try {
                value = field(CollectJson.read(body.toString()), h.field());
            } catch (IllegalArgumentException e) {
                return observed(s, ds, "body is not JSON", StatusCodes.HTTP_FIELD_MISMATCH);
            }
            if (value != null && value.equalsIgnoreCase(h.expect())) return observed(s, ds, Entity.RUNNING, Entity.OK);
            return observed(s, ds, h.field() + "=" + value, StatusCodes.HTTP_FIELD_MISMATCH);
        }))).transform(ar -> {
            if (ar.succeeded()) return Future.succeededFuture(ar.result());
            String[] sc = StatusCodes.network(ar.cause());
            return Future.succeededFuture(observed(s, ds, sc[0], sc[1]));
        });
    }

    /** The value at a dot path ({@code status}, {@code db.state}); null when absent. */
    static String field(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) n = n == null ? null : n.get(part);
        return n == null || n.isNull() ? null : n.asText();
    }

    private Future<Entity> command(EntitySpec s, CheckSpec.Command c, String ds) {
        Promise<Entity> p = Promise.promise();
        commands.execute(() -> {
            try {
                commandSlots.acquire();
            } catch (InterruptedException e) {
                p.complete(observed(s, ds, "interrupted", StatusCodes.COMMAND_NOT_RUN));
                return;
            }
            try {
                Map<String, String> env = new java.util.HashMap<>();
                env.put("VIGIL_ENTITY_NAME", s.name());
                env.put("VIGIL_ENTITY_TYPE", s.type().wire());
                if (s.ip() != null) env.put("VIGIL_ENTITY_IP", s.ip());
                ExternalCommand.Outcome o = ExternalCommand.run(c.command(), env, null, c.timeout());
                p.complete(fromCommand(s, ds, o));
            } catch (RuntimeException e) {
                p.complete(observed(s, ds, "command failed: " + e.getMessage(), StatusCodes.COMMAND_NOT_RUN));
            } finally {
                commandSlots.release();
            }
        });
        return p.future();
    }

    /** Blocking JDBC on a virtual thread, bounded by the command slots like commands. */
    private Future<Entity> database(EntitySpec s, CheckSpec.Database d, String ds) {
        Promise<Entity> p = Promise.promise();
        commands.execute(() -> {
            int seconds = (int) Math.max(1, (d.timeout().toMillis() + 999) / 1000);
            java.util.Properties props = new java.util.Properties();
            if (d.user() != null) props.setProperty("user", d.user());
            if (d.password() != null) props.setProperty("password", d.password());
            if (d.url().startsWith("jdbc:postgresql:")) { // bound every phase (seconds); H2 refuses unknown settings
                props.setProperty("connectTimeout", Integer.toString(seconds));
                props.setProperty("socketTimeout", Integer.toString(seconds));
                props.setProperty("loginTimeout", Integer.toString(seconds));
            }
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(d.urlFor(s.ip()), props)) {
                p.complete(c.isValid(seconds) ? observed(s, ds, Entity.RUNNING, Entity.OK)
                        : observed(s, ds, DATABASE_FAILURE_STATE, StatusCodes.DATABASE_FAILURE));
            } catch (java.sql.SQLException | RuntimeException e) {
                p.complete(observed(s, ds, DATABASE_FAILURE_STATE, StatusCodes.DATABASE_FAILURE));
            }
        });
        return p.future();
    }

    /** The state of an entity whose database check failed (clmgr's wording of ER0003). */
    public static final String DATABASE_FAILURE_STATE = "database communication failure";

    private Entity fromCommand(EntitySpec s, String ds, ExternalCommand.Outcome o) {
        if (o.problem() != null) {
            return observed(s, ds, o.problem(), o.problem().startsWith("timed out") ? StatusCodes.COMMAND_TIMED_OUT : StatusCodes.COMMAND_NOT_RUN);
        }
        String out = o.stdout().strip();
        if (out.startsWith("{")) {
            try {
                JsonNode j = CollectJson.read(out);
                String state = j.path("state").asText(o.exitCode() == 0 ? Entity.RUNNING : "exit " + o.exitCode());
                String code = j.path("code").asText(o.exitCode() == 0 ? Entity.OK : StatusCodes.exit(o.exitCode()));
                Entity e = observed(s, ds, state, code);
                return j.hasNonNull("status") ? e.withStatus(j.get("status").asText()) : e;
            } catch (IllegalArgumentException notJson) {
                // fall through to the exit code
            }
        }
        return o.exitCode() == 0 ? observed(s, ds, Entity.RUNNING, Entity.OK)
                : observed(s, ds, "exit " + o.exitCode(), StatusCodes.exit(o.exitCode()));
    }

    Entity observed(EntitySpec s, String ds, String state, String code) {
        return new Entity(s.type(), s.name(), s.ip(), state, s.mode(), s.status(), code, clock.millis(), ds, s.group());
    }

    /** Runs a discovery command (blocking work on a virtual thread) and completes with its outcome. */
    public Future<ExternalCommand.Outcome> runCommand(List<String> command, java.time.Duration timeout) {
        Promise<ExternalCommand.Outcome> p = Promise.promise();
        commands.execute(() -> p.complete(ExternalCommand.run(command, Map.of(), null, timeout)));
        return p.future();
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        netClients.values().forEach(NetClient::close);
        http.close();
        commands.shutdownNow();
    }

    /** For tests and benchmarks: the number of NetClients (one per distinct timeout). */
    int netClientCount() {
        return new ArrayList<>(netClients.values()).size();
    }
}

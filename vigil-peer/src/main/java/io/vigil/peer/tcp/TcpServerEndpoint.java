package io.vigil.peer.tcp;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vigil.peer.Endpoint;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.EndpointStartException;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.PeerListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The TCP server: {@link EndpointConfig#eventLoops()} shards, each a {@link TcpServerShard} on its own Vert.x event
 * loop with its own share of the connections, listening on one shared port. A session lives on one shard from accept
 * to close, so its events keep their order; shards never share state, so the server scales with cores instead of
 * topping out at what one event loop can serve (about 5,000 clients at a 100 ms interval on the 2-core reference
 * machine, see docs/benchmarks-peer.md).
 *
 * <p>The methods of this class run on the adapter's event loop and reach the shards by message; each returns a future
 * that completes when every shard has applied the change.
 */
public final class TcpServerEndpoint implements Endpoint {

    private final Vertx vertx;
    private final EndpointConfig config;
    private final Clock clock;
    private final PeerListener out;
    private final List<TcpServerShard> shards = new ArrayList<>();
    private final ConnectionCap cap;
    private String deployment;
    private int port = -1;

    public TcpServerEndpoint(Vertx vertx, EndpointConfig config, Clock clock, PeerListener out) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.cap = new ConnectionCap(config.maxConnections());
    }

    @Override
    public Future<Void> start(long now) {
        if (config.port() != 0) {
            return deploy(config.port());
        }
        // Port 0: Vert.x shares a listening socket between instances only on a fixed port, so find a free one first
        // and bind every shard to it; if another process takes it in between, try another.
        return deployOnFreePort(3);
    }

    private Future<Void> deployOnFreePort(int attemptsLeft) {
        int free;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(config.host()))) {
            free = probe.getLocalPort();
        } catch (IOException e) {
            return Future.failedFuture(new EndpointStartException(ErrorKind.BIND_FAILED, "cannot listen on "
                    + config.host() + ":0: " + e.getMessage() + "; choose a port or another address", e));
        }
        return deploy(free).recover(e -> attemptsLeft > 1 ? deployOnFreePort(attemptsLeft - 1) : Future.failedFuture(e));
    }

    /** One deployment of N instances: Vert.x gives each its own event loop and hands it accepted connections in turn. */
    private Future<Void> deploy(int onPort) {
        List<TcpServerShard> created = Collections.synchronizedList(new ArrayList<>());
        return vertx.deployVerticle(() -> {
                    TcpServerShard shard = new TcpServerShard(config, onPort, clock, out, cap);
                    created.add(shard);
                    return shard;
                }, new DeploymentOptions().setInstances(config.eventLoops()))
                .map(id -> {
                    deployment = id;
                    shards.addAll(created);
                    port = onPort;
                    return null;
                });
    }

    private Future<Void> undeploy() {
        return deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    }

    private Future<Void> onEveryShard(Function<TcpServerShard, Future<Void>> action) {
        List<Future<Void>> applied = new ArrayList<>(shards.size());
        for (TcpServerShard shard : shards) {
            applied.add(shard.run(action));
        }
        return Future.join(applied).mapEmpty();
    }

    /** Shards tick themselves on their own event loops. */
    @Override
    public void tick(long now) {
    }

    /** Its shards tick themselves, and a server never ends on its own: the adapter needs no timer for it. */
    @Override
    public boolean ticked() {
        return false;
    }

    @Override
    public Future<Void> suspend(long now) {
        return onEveryShard(s -> {
            s.suspend(now);
            return Future.succeededFuture();
        });
    }

    @Override
    public Future<Void> resume(long now) {
        return onEveryShard(s -> {
            s.resume(now);
            return Future.succeededFuture();
        });
    }

    @Override
    public void leadership(LeadershipStatus status) {
        onEveryShard(s -> {
            s.leadership(status);
            return Future.succeededFuture();
        });
    }

    @Override
    public Future<Void> stop(long now) {
        return onEveryShard(s -> s.stopServing(now)).eventually(this::undeploy);
    }

    @Override
    public int localPort() {
        return port;
    }

    @Override
    public boolean ended() {
        return false;
    }

    /** The oldest read watermark of the shards: every frame that reached the server before it has been read. */
    @Override
    public long heardUpTo() {
        long min = Long.MAX_VALUE;
        for (TcpServerShard shard : shards) {
            min = Math.min(min, shard.heardUpTo());
        }
        return shards.isEmpty() ? -1 : min;
    }

    /** Sessions that completed the handshake and are not lost, over all shards (as of each shard's last tick). */
    public int connectedCount() {
        int n = 0;
        for (TcpServerShard shard : shards) {
            n += shard.connectedCount();
        }
        return n;
    }
}

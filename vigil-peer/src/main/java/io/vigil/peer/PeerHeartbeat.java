package io.vigil.peer;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vigil.peer.multicast.MulticastEndpoint;
import io.vigil.peer.tcp.TcpClientEndpoint;
import io.vigil.peer.tcp.TcpServerEndpoint;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer heartbeat adapter: one server, client or multicast member at a time, driven by {@link Command}s, reporting
 * {@link PeerEvent}s and {@link PeerError}s to its subscribers.
 *
 * <pre>{@code
 * try (PeerHeartbeat hb = PeerHeartbeat.create(PeerProperties.builder().port(7001).build())) {
 *     hb.subscribe(event -> System.out.println(event));
 *     hb.command(Command.of(CommandName.START_SERVER)).join();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread safety: every method may be called from any thread. Commands are applied one after another in the order
 * they were given, on the adapter's own Vert.x event loop; listeners are called one at a time, from that loop or a
 * server's own loops (see {@link PeerListener}). A command that is not allowed in the current {@link AdapterState} is
 * reported on the error channel and its future fails with {@link IllegalStateException}; it is never silently ignored.
 */
public final class PeerHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerHeartbeat.class);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final PeerProperties properties;
    private final Clock clock;
    private final Context context;
    private final CopyOnWriteArrayList<PeerListener> listeners = new CopyOnWriteArrayList<>();
    private final PeerListener fanOut = new FanOut();

    // Confined to the event loop:
    private Future<Void> lastCommand = Future.succeededFuture();
    private Endpoint endpoint;
    /** {@link #endpoint} for readers on other threads ({@link #heardUpToMillis}). */
    private volatile Endpoint liveEndpoint;
    private long timerId = -1;
    private volatile AdapterState state;
    private volatile PeerType runningType;
    private volatile int localPort = -1;
    private volatile LeadershipStatus leadership; // set from outside for TCP (setLeadership); null: none claimed

    private PeerHeartbeat(Vertx vertx, boolean ownsVertx, PeerProperties properties, Clock clock) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.properties = Objects.requireNonNull(properties, "properties");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.context = vertx.getOrCreateContext();
        this.state = properties.startWithApplication() ? AdapterState.STOPPED : AdapterState.LOADED;
    }

    /** An adapter with its own Vert.x instance (closed by {@link #close()}) and the system clock. */
    public static PeerHeartbeat create(PeerProperties properties) {
        return new PeerHeartbeat(Vertx.vertx(), true, properties, Clock.systemUTC());
    }

    /** An adapter on a shared Vert.x instance, which {@link #close()} leaves open. */
    public static PeerHeartbeat create(Vertx vertx, PeerProperties properties, Clock clock) {
        return new PeerHeartbeat(vertx, false, properties, clock);
    }

    /**
     * Adds a listener for events and errors from now on. Closing the returned handle removes it.
     */
    public AutoCloseable subscribe(PeerListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    /**
     * Applies a command after every command given before it.
     *
     * @return completes once applied (a start: once bound, joined, or the first connection attempt began); fails if
     *     the command was rejected or the start failed, with the reason also sent to the error channel
     */
    public CompletableFuture<Void> command(Command command) {
        Objects.requireNonNull(command, "command");
        CompletableFuture<Void> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            Future<Void> applied = lastCommand.transform(ignored -> apply(command));
            lastCommand = applied.otherwiseEmpty();
            applied.onComplete(ar -> {
                if (ar.succeeded()) {
                    result.complete(null);
                } else {
                    result.completeExceptionally(ar.cause());
                }
            });
        });
        return result;
    }

    /**
     * What an application calls when it starts: applies {@code start} (the configured type) unless the property
     * {@code startWithApplication} is false, in which case the adapter stays {@link AdapterState#LOADED} until a
     * {@code resume} command.
     */
    public CompletableFuture<Void> startWithApplication() {
        return properties.startWithApplication() ? command(Command.of(CommandName.START)) : CompletableFuture.completedFuture(null);
    }

    /** The leadership this TCP node claims ({@code setLeadership}), or null when none was set. */
    public LeadershipStatus leadership() {
        return leadership;
    }

    public AdapterState state() {
        return state;
    }

    /** The type that runs, or null when stopped. */
    public PeerType runningType() {
        return runningType;
    }

    /**
     * A running TCP server's read watermark: every heartbeat that reached its sockets before this time (epoch ms of the
     * adapter's clock) has been read and judged. It stalls while the server is behind (a burst of connections, a long
     * read turn) or suspended, so an application can tell "the peer is silent" from "the server has not caught up".
     * -1 when no server runs. Thread-safe.
     */
    public long heardUpToMillis() {
        Endpoint e = liveEndpoint;
        return e == null ? -1 : e.heardUpTo();
    }

    /** The bound port of a running server or multicast member (the real one for port 0), else -1. */
    public int localPort() {
        return localPort;
    }

    /**
     * Stops whatever runs (emitting its stop events) and, if this adapter created its Vert.x, closes it. Blocks up to
     * 10 s for that, except when called on an event loop (e.g. from a listener), where it only schedules the stop.
     */
    @Override
    public void close() {
        if (Context.isOnEventLoopThread()) {
            context.runOnContext(v -> lastCommand.transform(ignored -> !isRunning()
                            ? Future.<Void>succeededFuture() : stopEndpoint())
                    .onComplete(ar -> {
                        if (ownsVertx) {
                            vertx.close();
                        }
                    }));
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> lastCommand.transform(ignored -> !isRunning()
                        ? Future.<Void>succeededFuture() : stopEndpoint())
                .onComplete(ar -> done.complete(null)));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("peer adapter did not stop within 10 s: {}", e.toString());
        }
        if (ownsVertx) {
            try {
                vertx.close().await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Vert.x did not close within 10 s: {}", e.toString());
            }
        }
    }

    private boolean isRunning() {
        return state != AdapterState.STOPPED && state != AdapterState.LOADED;
    }

    private Future<Void> apply(Command command) {
        long now = clock.millis();
        PeerType startType = command.command().startType(properties.type());
        if (startType != null) {
            if (state != AdapterState.STOPPED && state != AdapterState.LOADED) {
                return reject(command, state == AdapterState.DISCONNECTED
                        ? "the " + (runningType == PeerType.MULTICAST ? "multicast member" : "client")
                                + " is disconnected; send stop before starting again"
                        : "already running as " + runningType + "; send stop first (changing type needs stop)");
            }
            return startAs(startType, command, now);
        }
        return switch (command.command()) {
            case STOP -> state == AdapterState.STOPPED || state == AdapterState.LOADED
                    ? reject(command, "nothing is running") : stopEndpoint();
            case SUSPEND -> {
                if (state != AdapterState.RUNNING) {
                    yield reject(command, "only a running adapter can be suspended (state " + state + ")");
                }
                state = AdapterState.SUSPENDED;
                yield endpoint.suspend(now);
            }
            case SET_LEADERSHIP -> {
                if (runningType == PeerType.MULTICAST || (runningType == null && properties.type() == PeerType.MULTICAST)) {
                    yield reject(command, "multicast members elect their leader; setLeadership is for a TCP server or client");
                }
                leadership = command.leadershipStatus();
                if (endpoint != null) endpoint.leadership(leadership);
                yield Future.succeededFuture();
            }
            case RESUME -> {
                if (state == AdapterState.LOADED) {
                    yield startAs(properties.type(), command, now);
                }
                if (state != AdapterState.SUSPENDED) {
                    yield reject(command, "only a suspended adapter can be resumed (state " + state + ")");
                }
                state = AdapterState.RUNNING;
                yield endpoint.resume(now);
            }
            default -> throw new IllegalStateException("unhandled command " + command.command());
        };
    }

    private Future<Void> startAs(PeerType type, Command command, long now) {
        EndpointConfig config;
        try {
            config = properties.resolve(type, command);
        } catch (IllegalArgumentException e) {
            return fail(ErrorKind.BAD_COMMAND, e.getMessage(), now);
        }
        return start(config, now);
    }

    private Future<Void> start(EndpointConfig config, long now) {
        Endpoint e = switch (config.type()) {
            case SERVER -> new TcpServerEndpoint(vertx, config, clock, fanOut);
            case CLIENT -> new TcpClientEndpoint(vertx, config, clock, fanOut);
            case MULTICAST -> new MulticastEndpoint(vertx, config, clock, fanOut);
        };
        Promise<Void> started = Promise.promise();
        e.start(now).onComplete(ar -> {
            if (ar.failed()) {
                ErrorKind kind = ar.cause() instanceof EndpointStartException se ? se.kind() : ErrorKind.IO_ERROR;
                fail(kind, ar.cause().getMessage(), clock.millis()).onComplete(started);
                return;
            }
            endpoint = e;
            liveEndpoint = e;
            if (config.type() != PeerType.MULTICAST && leadership != null) e.leadership(leadership);
            runningType = config.type();
            localPort = e.localPort();
            state = AdapterState.RUNNING;
            if (e.ticked()) {
                timerId = vertx.setPeriodic(config.timing().tickMillis(), id -> tick());
            }
            started.complete();
        });
        return started.future();
    }

    private void tick() {
        if (endpoint == null) {
            return;
        }
        endpoint.tick(clock.millis());
        if (state == AdapterState.RUNNING && endpoint.ended()) {
            state = AdapterState.DISCONNECTED;
        }
    }

    private Future<Void> stopEndpoint() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        Endpoint e = endpoint;
        endpoint = null;
        liveEndpoint = null;
        state = AdapterState.STOPPED;
        runningType = null;
        localPort = -1;
        return e.stop(clock.millis()).otherwiseEmpty();
    }

    private Future<Void> reject(Command command, String why) {
        return fail(ErrorKind.COMMAND_REJECTED, "command " + command.command().jsonName() + " rejected: " + why,
                clock.millis());
    }

    private Future<Void> fail(ErrorKind kind, String message, long now) {
        fanOut.onError(new PeerError(kind, message, now));
        return Future.failedFuture(new IllegalStateException(message));
    }

    /**
     * Delivers to every subscriber; one failing listener does not stop the others or the protocol. A server's events
     * come from several event loops (its shards): the lock keeps listener calls one at a time.
     */
    private final class FanOut implements PeerListener {
        private final Object lock = new Object();

        @Override
        public void onEvent(PeerEvent event) {
            synchronized (lock) {
                deliver(event);
            }
        }

        private void deliver(PeerEvent event) {
            for (PeerListener l : listeners) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("peer listener {} failed on {}", l, event, e);
                }
            }
        }

        @Override
        public void onError(PeerError error) {
            synchronized (lock) {
                deliverError(error);
            }
        }

        private void deliverError(PeerError error) {
            LOG.debug("peer error {}: {}", error.kind(), error.message());
            for (PeerListener l : listeners) {
                try {
                    l.onError(error);
                } catch (RuntimeException e) {
                    LOG.warn("peer listener {} failed on {}", l, error, e);
                }
            }
        }
    }
}

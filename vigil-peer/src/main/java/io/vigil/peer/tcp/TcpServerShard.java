package io.vigil.peer.tcp;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.EndpointStartException;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerListener;
import io.vigil.peer.protocol.ServerProtocol;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.Nonces;
import io.vigil.peer.wire.WireFormatException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One event loop's share of a TCP server: a {@link NetServer} on the shared port (Vert.x hands each accepted connection
 * to one of the shards in turn), its own {@link ServerProtocol} for the connections it got, its own codec and its own
 * tick. Everything here runs on the shard's event loop; the endpoint reaches it only through {@link #run}.
 *
 * <p>A client that does not read is not buffered without bound: while its write queue is full, heartbeats to it are
 * dropped (it will see them as missing).
 */
final class TcpServerShard extends VerticleBase implements ServerProtocol.Io {

    private static final Buffer NEWLINE = Buffer.buffer("\n");

    private final EndpointConfig config;
    private final int port;
    private final Clock clock;
    private final PeerListener out;
    private final FrameCodec codec;
    private final Map<Long, NetSocket> sockets = new HashMap<>();
    private ServerProtocol protocol;
    private NetServer server;
    private long timerId = -1;
    private long nextId;
    private boolean suspended;
    private volatile int connected;

    TcpServerShard(EndpointConfig config, int port, Clock clock, PeerListener out) {
        this.config = config;
        this.port = port;
        this.clock = clock;
        this.out = out;
        this.codec = new FrameCodec(config.sharedSecret());
    }

    @Override
    public Future<?> start() {
        long now = clock.millis();
        protocol = new ServerProtocol(config.endpointId(), config.timing(), out, this, new Nonces(), now);
        server = vertx.createNetServer(new NetServerOptions()
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setAcceptBacklog(4096));
        server.connectHandler(this::accept);
        return server.listen(port, config.host())
                .recover(e -> Future.failedFuture(new EndpointStartException(ErrorKind.BIND_FAILED,
                        "cannot listen on " + config.host() + ":" + port + ": " + e.getMessage()
                                + "; choose a free port or another address", e)))
                .onSuccess(s -> timerId = vertx.setPeriodic(config.timing().tickMillis(), id -> tick()));
    }

    /** Runs {@code action} on this shard's event loop; completes when the future it returns does. */
    Future<Void> run(Function<TcpServerShard, Future<Void>> action) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            try {
                action.apply(this).onComplete(done);
            } catch (RuntimeException e) {
                done.fail(e);
            }
        });
        return done.future();
    }

    int actualPort() {
        return server.actualPort();
    }

    /** Sessions of this shard that completed the handshake and are not lost; readable from any thread. */
    int connectedCount() {
        return connected;
    }

    private void tick() {
        protocol.tick(clock.millis());
        connected = protocol.connectedCount();
    }

    private void accept(NetSocket socket) {
        long id = nextId++;
        sockets.put(id, socket);
        long now = clock.millis();
        protocol.accepted(id, socket.remoteAddress().hostAddress(), socket.remoteAddress().port(), now);
        RecordParser parser = RecordParser.newDelimited(NEWLINE, line -> onLine(id, line));
        parser.maxRecordSize(FrameCodec.MAX_FRAME_BYTES);
        parser.exceptionHandler(e -> protocol.rejected(id, ErrorKind.BAD_FRAME, "frame too long or unterminated",
                clock.millis()));
        socket.handler(parser);
        socket.exceptionHandler(e -> out.onError(new PeerError(ErrorKind.IO_ERROR, "connection from "
                + socket.remoteAddress() + ": " + e.getMessage(), clock.millis())));
        socket.closeHandler(v -> {
            sockets.remove(id);
            protocol.closed(id, clock.millis());
        });
        if (suspended) {
            socket.pause();
        }
    }

    private void onLine(long id, Buffer line) {
        long now = clock.millis();
        byte[] bytes = line.getBytes();
        try {
            Frame frame = codec.decode(bytes, bytes.length);
            protocol.received(id, frame, now);
        } catch (WireFormatException e) {
            protocol.rejected(id, e.authentication() ? ErrorKind.AUTH_FAILED : ErrorKind.BAD_FRAME, e.getMessage(),
                    now);
        }
    }

    @Override
    public void send(long connection, Frame frame) {
        NetSocket s = sockets.get(connection);
        if (s == null || s.writeQueueFull()) {
            return;
        }
        int n = codec.encodeInto(frame);
        s.write(Buffer.buffer(n + 1).appendBytes(codec.scratch(), 0, n).appendByte((byte) '\n'));
    }

    @Override
    public void close(long connection) {
        NetSocket s = sockets.get(connection);
        if (s != null) {
            s.close();
        }
    }

    void suspend(long now) {
        suspended = true;
        protocol.suspend(now);
        sockets.values().forEach(NetSocket::pause);
    }

    void resume(long now) {
        suspended = false;
        protocol.resume(now);
        sockets.values().forEach(NetSocket::resume);
        connected = protocol.connectedCount();
    }

    /** Emits the stop events of this shard's sessions and closes its sockets and server. */
    Future<Void> stopServing(long now) {
        vertx.cancelTimer(timerId);
        protocol.stop(now);
        connected = 0;
        List<NetSocket> open = List.copyOf(sockets.values());
        sockets.clear();
        open.forEach(NetSocket::close);
        return server.close();
    }
}

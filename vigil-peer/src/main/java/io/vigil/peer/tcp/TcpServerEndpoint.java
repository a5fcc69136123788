package io.vigil.peer.tcp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vigil.peer.Endpoint;
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

/**
 * The TCP server's socket edge: accepts connections, splits each byte stream into newline-terminated frames, decodes
 * them, and hands them to {@link ServerProtocol}; encodes what the protocol sends. A client that does not read is not
 * buffered without bound: while its write queue is full, heartbeats to it are dropped (it will see them as missing).
 */
public final class TcpServerEndpoint implements Endpoint, ServerProtocol.Io {

    private static final Buffer NEWLINE = Buffer.buffer("\n");

    private final Vertx vertx;
    private final EndpointConfig config;
    private final Clock clock;
    private final PeerListener out;
    private final FrameCodec codec;
    private final Map<Long, NetSocket> sockets = new HashMap<>();
    private ServerProtocol protocol;
    private NetServer server;
    private long nextId;
    private boolean suspended;

    public TcpServerEndpoint(Vertx vertx, EndpointConfig config, Clock clock, PeerListener out) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.codec = new FrameCodec(config.sharedSecret());
    }

    @Override
    public Future<Void> start(long now) {
        protocol = new ServerProtocol(config.endpointId(), config.timing(), out, this, new Nonces(), now);
        server = vertx.createNetServer(new NetServerOptions()
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setAcceptBacklog(4096));
        server.connectHandler(this::accept);
        return server.listen(config.port(), config.host())
                .recover(e -> Future.failedFuture(new EndpointStartException(ErrorKind.BIND_FAILED,
                        "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage()
                                + "; choose a free port or another address", e)))
                .mapEmpty();
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
        byte[] bytes = codec.encode(frame);
        Buffer b = Buffer.buffer(bytes.length + 1).appendBytes(bytes).appendByte((byte) '\n');
        s.write(b);
    }

    @Override
    public void close(long connection) {
        NetSocket s = sockets.get(connection);
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void tick(long now) {
        protocol.tick(now);
    }

    @Override
    public void suspend(long now) {
        suspended = true;
        protocol.suspend(now);
        sockets.values().forEach(NetSocket::pause);
    }

    @Override
    public void resume(long now) {
        suspended = false;
        protocol.resume(now);
        sockets.values().forEach(s -> s.resume());
    }

    @Override
    public Future<Void> stop(long now) {
        protocol.stop(now);
        List<NetSocket> open = List.copyOf(sockets.values());
        sockets.clear();
        open.forEach(NetSocket::close);
        return server.close();
    }

    @Override
    public int localPort() {
        return server == null ? -1 : server.actualPort();
    }

    @Override
    public boolean ended() {
        return false;
    }

    /** Sessions that completed the handshake and are not lost (for metrics and load tests). */
    public int connectedCount() {
        return protocol.connectedCount();
    }
}

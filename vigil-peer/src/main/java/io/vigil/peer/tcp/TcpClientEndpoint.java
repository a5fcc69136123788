package io.vigil.peer.tcp;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vigil.peer.Endpoint;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerListener;
import io.vigil.peer.protocol.ClientProtocol;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.Nonces;
import io.vigil.peer.wire.WireFormatException;
import java.time.Clock;

/**
 * The TCP client's socket edge around {@link ClientProtocol}. Each connection gets a generation number so that a late
 * callback from a connection the protocol already dropped is ignored.
 */
public final class TcpClientEndpoint implements Endpoint, ClientProtocol.Io {

    private final Vertx vertx;
    private final EndpointConfig config;
    private final Clock clock;
    private final PeerListener out;
    private final FrameCodec codec;
    private NetClient client;
    private ClientProtocol protocol;
    private NetSocket socket;
    private long generation;
    private boolean suspended;

    public TcpClientEndpoint(Vertx vertx, EndpointConfig config, Clock clock, PeerListener out) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.out = out;
        this.codec = new FrameCodec(config.sharedSecret());
    }

    @Override
    public Future<Void> start(long now) {
        client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timing().silenceLimitMillis())));
        protocol = new ClientProtocol(config.endpointId(), config.host(), config.port(), config.timing(), out, this,
                new Nonces());
        protocol.start(now);
        return Future.succeededFuture();
    }

    @Override
    public void connect() {
        long gen = ++generation;
        client.connect(config.port(), config.host()).onComplete(ar -> {
            if (gen != generation) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                protocol.connectFailed(String.valueOf(ar.cause().getMessage()), clock.millis());
                return;
            }
            attach(ar.result(), gen);
            protocol.connectionOpened(clock.millis());
        });
    }

    private void attach(NetSocket s, long gen) {
        socket = s;
        RecordParser parser = RecordParser.newDelimited("\n", line -> {
            if (gen == generation) {
                onLine(line);
            }
        });
        parser.maxRecordSize(FrameCodec.MAX_FRAME_BYTES);
        parser.exceptionHandler(e -> {
            if (gen == generation) {
                protocol.rejected(ErrorKind.BAD_FRAME, "frame too long or unterminated", clock.millis());
            }
        });
        s.handler(parser);
        s.exceptionHandler(e -> out.onError(new PeerError(ErrorKind.IO_ERROR, "connection to " + config.host() + ":"
                + config.port() + ": " + e.getMessage(), clock.millis())));
        s.closeHandler(v -> {
            if (gen == generation) {
                socket = null;
                protocol.closed(clock.millis());
            }
        });
        if (suspended) {
            s.pause();
        }
    }

    private void onLine(Buffer line) {
        long now = clock.millis();
        byte[] bytes = line.getBytes();
        try {
            protocol.received(codec.decode(bytes, bytes.length), now);
        } catch (WireFormatException e) {
            protocol.rejected(e.authentication() ? ErrorKind.AUTH_FAILED : ErrorKind.BAD_FRAME, e.getMessage(), now);
        }
    }

    @Override
    public void send(Frame frame) {
        NetSocket s = socket;
        if (s == null || s.writeQueueFull()) {
            return;
        }
        byte[] bytes = codec.encode(frame);
        s.write(Buffer.buffer(bytes.length + 1).appendBytes(bytes).appendByte((byte) '\n'));
    }

    @Override
    public void close() {
        generation++; // callbacks of the old connection no longer reach the protocol
        NetSocket s = socket;
        socket = null;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public void tick(long now) {
        protocol.tick(now);
    }

    @Override
    public Future<Void> suspend(long now) {
        suspended = true;
        protocol.suspend(now);
        if (socket != null) {
            socket.pause();
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> resume(long now) {
        suspended = false;
        protocol.resume(now);
        if (socket != null) {
            socket.resume();
        }
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> stop(long now) {
        protocol.stop(now);
        return client.close();
    }

    @Override
    public void leadership(LeadershipStatus status) {
        protocol.leadership(status);
    }

    @Override
    public int localPort() {
        NetSocket s = socket;
        return s == null ? -1 : s.localAddress().port();
    }

    @Override
    public boolean ended() {
        return protocol.phase() == ClientProtocol.Phase.DISCONNECTED;
    }
}

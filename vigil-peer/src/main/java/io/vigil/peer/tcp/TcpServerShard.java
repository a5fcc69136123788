package io.vigil.peer.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.NetUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vigil.peer.EndpointConfig;
import io.vigil.peer.EndpointStartException;
import io.vigil.peer.ErrorKind;
import io.vigil.peer.PeerError;
import io.vigil.peer.PeerListener;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.protocol.ServerProtocol;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.Nonces;
import io.vigil.peer.wire.SenderMemo;
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

    private final EndpointConfig config;
    private final int port;
    private final Clock clock;
    private final PeerListener out;
    private final FrameCodec codec;
    private final Map<Long, Channel> channels = new HashMap<>();
    private final byte[] readScratch = new byte[FrameCodec.MAX_FRAME_BYTES];
    private ServerProtocol protocol;
    private NetServer server;
    private long timerId = -1;
    private volatile ReadWatermark watermark; // set in start(); read by heardUpTo() from other threads
    private final Runnable turnEnded = () -> watermark.turnEnded();
    private ScratchReads reads; // one read buffer for all of this shard's sockets
    private ByteBuf answer; // the buffer answers are encoded into, reused while no write holds it (see send)
    private final ConnectionCap cap; // shared by the shards
    private long nextId;
    private boolean suspended;
    private volatile int connected;

    TcpServerShard(EndpointConfig config, int port, Clock clock, PeerListener out, ConnectionCap cap) {
        this.config = config;
        this.cap = cap;
        this.port = port;
        this.clock = clock;
        this.out = out;
        this.codec = new FrameCodec(config.sharedSecret());
    }

    @Override
    public Future<?> start() {
        long now = clock.millis();
        watermark = new ReadWatermark(now);
        reads = new ScratchReads(PooledByteBufAllocator.DEFAULT);
        protocol = new ServerProtocol(config.endpointId(), config.timing(), out, this, new Nonces(), now);
        server = vertx.createNetServer(new NetServerOptions()
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true)
                .setAcceptBacklog(acceptBacklog(NetUtil.SOMAXCONN)));
        server.connectHandler(this::accept);
        return server.listen(port, config.host())
                .recover(e -> Future.failedFuture(new EndpointStartException(ErrorKind.BIND_FAILED,
                        "cannot listen on " + config.host() + ":" + port + ": " + e.getMessage()
                                + "; choose a free port or another address", e)))
                .onSuccess(s -> timerId = vertx.setPeriodic(config.timing().tickMillis(), id -> tick()));
    }

    /**
     * The listen backlog to ask for: at least 4,096, and as much as the kernel allows ({@code somaxconn}, Linux's
     * {@code net.core.somaxconn}, which Netty reads at startup; the kernel caps any larger request there). A fleet that
     * reconnects at once after a restart fills the accept queue before the server's loops have accepted many: a client
     * whose handshake finds it full waits for the kernel's SYN-ACK retry, a second later. Raising {@code somaxconn} to
     * the fleet's size is therefore enough to let all of it queue (docs/peer.md, docs/benchmarks-peer.md § 3).
     */
    static int acceptBacklog(int somaxconn) {
        return Math.max(4096, somaxconn);
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

    /**
     * This shard's read watermark (see {@link #tick}): every frame that reached its sockets before it has been read.
     * Readable from any thread; it stalls while the shard's event loop is behind or stalled.
     */
    long heardUpTo() {
        ReadWatermark w = watermark;
        return w == null ? -1 : w.heardUpTo();
    }

    /** Sessions of this shard that completed the handshake and are not lost; readable from any thread. */
    int connectedCount() {
        return connected;
    }

    /**
     * Judges the sessions up to this shard's read watermark ({@link ReadWatermark}): the previous tick's start, once a
     * turn of the event loop has read every socket that was ready. When the loop is behind (thousands of clients
     * connecting at once, a long read turn, more ready sockets than one select returns) the watermark waits for it,
     * instead of timing out clients whose heartbeats are still waiting in their sockets. Costs at most one tick of
     * detection delay on a loop that keeps up.
     */
    private void tick() {
        long now = clock.millis();
        protocol.tick(now, watermark.tick(now, channels.size()));
        connected = protocol.connectedCount();
    }

    private void accept(NetSocket socket) {
        ChannelHandlerContext vertxHandler = ((NetSocketInternal) socket).channelHandlerContext();
        Channel channel = vertxHandler.channel();
        if (!cap.tryOpen()) {
            channel.close();
            refused(socket);
            return;
        }
        long id = nextId++;
        channels.put(id, channel);
        long now = clock.millis();
        ServerProtocol.Session session = protocol.accepted(id, socket.remoteAddress().hostAddress(),
                socket.remoteAddress().port(), now);
        if (session == null) {
            return; // stopped: the protocol closed it
        }
        // Frames are read by a Netty handler ahead of Vert.x's own (the documented NetSocketInternal route for custom
        // protocols): lines are decoded straight from Netty's pooled buffers, with no per-read copies or queues. The
        // handler's context is the session's attachment: answers are written from there, straight to the socket's
        // end of the pipeline, without a lookup or a pass through Vert.x's handler.
        channel.config().setRecvByteBufAllocator(reads);
        LineReader reader = new LineReader(session);
        vertxHandler.pipeline().addBefore(vertxHandler.name(), "vigil-peer-frames", reader);
        session.attach(vertxHandler.pipeline().context(reader));
        socket.exceptionHandler(e -> out.onError(new PeerError(ErrorKind.IO_ERROR, "connection from "
                + socket.remoteAddress() + ": " + e.getMessage(), clock.millis())));
        socket.closeHandler(v -> {
            cap.closed();
            channels.remove(id);
            protocol.closed(id, clock.millis());
        });
        if (suspended) {
            channel.config().setAutoRead(false);
        }
    }

    private void refused(NetSocket socket) {
        long now = clock.millis();
        long count = cap.refused(now);
        if (count > 0) {
            out.onError(new PeerError(ErrorKind.IO_ERROR, "connection from " + socket.remoteAddress() + " refused: "
                    + cap.max() + " connections are open, the server's cap (serverMaxConnections); " + count
                    + " refused since the last report. Raise the cap if these clients are expected, else find who "
                    + "opens them", now));
        }
    }

    /**
     * Splits one connection's bytes into newline-terminated frames and hands each to the codec and the protocol. A line
     * split across reads is carried over; one longer than {@link FrameCodec#MAX_FRAME_BYTES} is refused and the
     * connection closed. Consumes what it reads: nothing reaches Vert.x's handler behind it but the connection's
     * lifecycle events.
     */
    private final class LineReader extends ChannelInboundHandlerAdapter {
        private final ServerProtocol.Session session;
        private final long id;
        private byte[] carry; // the start of a line whose end has not arrived yet
        private int carried;
        private final SenderMemo memo = new SenderMemo(); // this client's strings are reused while they stay the same
        private boolean forwardedRead; // a message went on to Vert.x's handler in this read: so does its end

        LineReader(ServerProtocol.Session session) {
            this.session = session;
            this.id = session.id();
            // The echo of our nonce then decodes to the session's own string: the protocol's check is an identity.
            memo.expectPeerNonce(session.serverNonce());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (watermark.readComplete()) {
                ctx.executor().execute(turnEnded); // runs in this turn's task phase (ReadWatermark)
            }
            // Vert.x's handler only needs the end of a read it saw a message of; it sees none of the frames, so
            // forwarding every read's end would cost a pass down the pipeline and a cold Vert.x connection per read
            // (6 % of the shard's Java time at 5,000 clients) for a call that does nothing.
            if (forwardedRead) {
                forwardedRead = false;
                ctx.fireChannelReadComplete();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                forwardedRead = true;
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                read(buf);
            } finally {
                buf.release();
            }
        }

        private void read(ByteBuf buf) {
            while (buf.isReadable()) {
                int eol = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n');
                int end = eol < 0 ? buf.writerIndex() : eol;
                int length = end - buf.readerIndex();
                if (carried + length > FrameCodec.MAX_FRAME_BYTES) {
                    carry = null;
                    carried = 0;
                    protocol.rejected(id, ErrorKind.BAD_FRAME, "frame too long or unterminated", clock.millis());
                    buf.skipBytes(buf.readableBytes());
                    return;
                }
                if (eol < 0) {
                    if (carry == null) {
                        carry = new byte[FrameCodec.MAX_FRAME_BYTES];
                    }
                    buf.readBytes(carry, carried, length);
                    carried += length;
                    return;
                }
                byte[] line;
                int lineLength;
                if (carried > 0) {
                    buf.readBytes(carry, carried, length);
                    line = carry;
                    lineLength = carried + length;
                    carried = 0;
                } else {
                    buf.readBytes(readScratch, 0, length);
                    line = readScratch;
                    lineLength = length;
                }
                buf.skipBytes(1); // the newline
                onLine(line, lineLength);
            }
        }

        private void onLine(byte[] bytes, int length) {
            long now = clock.millis();
            try {
                Frame frame = codec.decode(bytes, length, memo);
                protocol.received(session, frame, now);
            } catch (WireFormatException e) {
                protocol.rejected(id, e.authentication() ? ErrorKind.AUTH_FAILED : ErrorKind.BAD_FRAME, e.getMessage(),
                        now);
            }
        }
    }

    @Override
    public void send(ServerProtocol.Session session, Frame frame) {
        if (!(session.attachment() instanceof ChannelHandlerContext ctx)) {
            send(session.id(), frame);
            return;
        }
        if (!ctx.channel().isWritable()) {
            return; // a client that does not read gets no unbounded queue: it will see these heartbeats as missing
        }
        int n = codec.encodeInto(frame);
        // One buffer for every answer of this shard: a write to a socket with room completes within writeAndFlush,
        // and Netty then releases its reference, so the buffer is free again for the next answer (on any
        // connection). If a write is left pending (a full socket), Netty keeps that buffer and we take a new one.
        ByteBuf b = answer;
        if (b == null || b.refCnt() != 1 || b.capacity() < n + 1) {
            if (b != null) {
                b.release(); // our reference; a pending write keeps its own
            }
            b = ctx.alloc().directBuffer(Math.max(256, n + 1));
            answer = b;
        }
        b.clear().writeBytes(codec.scratch(), 0, n).writeByte('\n');
        ctx.writeAndFlush(b.retain(), ctx.voidPromise());
    }

    @Override
    public void send(long connection, Frame frame) {
        Channel ch = channels.get(connection);
        if (ch == null || !ch.isWritable()) {
            return; // a client that does not read gets no unbounded queue: it will see these heartbeats as missing
        }
        int n = codec.encodeInto(frame);
        ByteBuf b = ch.alloc().directBuffer(n + 1);
        b.writeBytes(codec.scratch(), 0, n).writeByte('\n');
        ch.writeAndFlush(b, ch.voidPromise());
    }

    @Override
    public void close(long connection) {
        Channel ch = channels.get(connection);
        if (ch != null) {
            ch.close();
        }
    }

    void leadership(LeadershipStatus status) {
        protocol.leadership(status);
    }

    void suspend(long now) {
        suspended = true;
        watermark.suspend(); // a suspended shard reads nothing: its watermark stalls
        protocol.suspend(now);
        channels.values().forEach(ch -> ch.config().setAutoRead(false));
    }

    void resume(long now) {
        suspended = false;
        watermark.resume(now); // it reads again from now on: prove nothing from the suspended time
        protocol.resume(now);
        channels.values().forEach(ch -> ch.config().setAutoRead(true));
        connected = protocol.connectedCount();
    }

    /** Emits the stop events of this shard's sessions and closes its sockets and server. */
    Future<Void> stopServing(long now) {
        vertx.cancelTimer(timerId);
        protocol.stop(now);
        connected = 0;
        List<Channel> toClose = List.copyOf(channels.values());
        channels.clear();
        toClose.forEach(Channel::close);
        return server.close().andThen(v -> {
            if (answer != null) {
                answer.release();
                answer = null;
            }
            reads.release();
        });
    }
}

package io.vigil.peer.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One shard of the load generator's clients: one thread, one {@link Selector}, non-blocking {@link SocketChannel}s.
 *
 * <p>The thread does everything for its connections: connects them in waves of at most {@code connectsInFlight}
 * unfinished handshakes (default {@link #CONNECTS_IN_FLIGHT}; 0: every connect issued at once), sends one tenth of them a heartbeat every tenth of an interval (the select timeout is the
 * time to the next such slot, so no timer thread), drains and counts what the server sends, finishes partial writes,
 * and hangs a client when asked. Heartbeats are encoded by {@link LoadFrames} into one reusable direct buffer.
 *
 * <p>Reading is polled, not selected: once a client's handshake is done its socket leaves the selector (no
 * {@code OP_READ}), and the send slots read each client's socket every {@link #readEveryRounds} intervals (about
 * every half of {@link #SILENT_AFTER_MILLIS}), draining the server's answers that queued up in the meantime in one
 * {@code read}. A client per heartbeat used to cost a wakeup, an {@code epoll_wait} and a {@code read} on top of its
 * {@code write} (and the server's write an epoll callback and a cross-CPU wakeup); now it costs the {@code write}
 * and a fifth of a {@code read}, which is what lets one core drive 5,000 clients at 100 ms. What the benchmark
 * measures stays: every frame the server sends is counted (later, not less), a server's close is seen at the next
 * poll, and a client is "silent" on the same rule with a resolution of one poll period.
 *
 * <p>Nothing goes unnoticed: every close (end of stream or I/O error on read or write, or a hello the generator
 * rejects), connect failure and back-pressure skip is counted in {@link #counts()}, and the first few of each are
 * printed with the client id and reason. The generator never reconnects a closed client.
 *
 * <p>Thread-safety: {@link #start}, {@link #requestHang}, {@link #stop} and {@link #counts} may be called from any
 * thread; everything else runs on the shard's thread.
 */
final class LoadShard implements Runnable {

    /**
     * Default for connections per shard that are connecting or waiting for the server's hello, at most (a wave); the
     * generator's optional {@code connectsInFlight} argument overrides it, 0 meaning no limit: every connect is issued
     * at once.
     */
    static final int CONNECTS_IN_FLIGHT = 200;
    /** Each interval is split into this many send slots; slot {@code s} serves the clients with index ≡ s. */
    static final int SLOTS = 10;
    /** A connected client that heard nothing from the server for this long (or 3 intervals, if longer) is silent. */
    static final long SILENT_AFTER_MILLIS = 1000;
    /** A connected client's socket is read about this often: a fraction of the silence rule, so it stays exact. */
    static final long READ_EVERY_MILLIS = 500;
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    private static final int PRINT_CLOSES = 10;
    private static final int PRINT_OTHERS = 5;

    /** What the counters count; gauges are marked. Read them with {@code counts().get(c.ordinal())}. */
    enum Count {
        /** Gauge: handshake complete and not closed (hung clients included). */
        CONNECTED,
        /** Gauge: connecting, or hello sent and the server's not yet read. */
        OPENING,
        CONNECT_FAILED,
        /** Frames written (hellos and heartbeats), including those whose tail is still pending. */
        SENT,
        /** Frames received: newlines read. */
        RECEIVED,
        /** Closes seen: the server closed (end of stream). */
        CLOSED_EOF,
        /** Closes seen: a read failed (e.g. connection reset). */
        CLOSED_READ_ERROR,
        /** Closes seen: a write failed (e.g. broken pipe). */
        CLOSED_WRITE_ERROR,
        /** Closed by the generator: the server's hello was not one it understood. */
        CLOSED_BAD_HELLO,
        /** Heartbeats not sent because the connection still had an unwritten remainder. */
        BACK_PRESSURE_SKIPS,
        /** Gauge, refreshed every second: connections with an unwritten remainder. */
        PENDING,
        /** Gauge, refreshed every second: connected, not hung, and nothing read for {@code silentAfterMillis}. */
        SILENT,
        HUNG,
        /** Hang requests that found no connected client to hang. */
        HANG_MISSES,
        /** Send slots dropped because the thread fell more than an interval behind. */
        SLOTS_DROPPED,
        /** Largest lateness of a send slot in ms since the last {@code getAndSet(MAX_LAG_MS, 0)}. */
        MAX_LAG_MS
    }

    private enum State { CONNECTING, HANDSHAKE, ESTABLISHED, CLOSED }

    /** One client connection and its own counters (for the close report). */
    private static final class Connection {
        final String id;
        final int index;
        final String nonce;
        final byte[] head;
        byte[] tail;
        SocketChannel channel;
        SelectionKey key;
        State state = State.CONNECTING;
        boolean hung;
        /** The server's hello while it is incomplete; null once the handshake is done. */
        byte[] helloLine;
        int helloLength;
        /** The unwritten remainder of the last frame, or null. */
        ByteBuffer pending;
        long seq;
        long openedAt;
        /** {@link System#nanoTime()} when the connect was issued, and when the server's hello was read (0: not yet). */
        long openedNanos;
        /** {@link System#nanoTime()} when the TCP connect completed (0: not yet). */
        long connectedNanos;
        long establishedNanos;
        long establishedAt;
        long lastReadAt;
        long framesSent;
        long framesReceived;

        Connection(String id, int index) {
            this.id = id;
            this.index = index;
            this.nonce = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            this.head = LoadFrames.heartbeatHead(id);
        }
    }

    private static final AtomicInteger CLOSES_PRINTED = new AtomicInteger();
    private static final AtomicInteger CONNECT_FAILURES_PRINTED = new AtomicInteger();
    private static final AtomicInteger OTHERS_PRINTED = new AtomicInteger();

    private final int number;
    private final InetSocketAddress server;
    private final long intervalMillis;
    /** Connections that may be connecting or in the handshake at once; {@link Integer#MAX_VALUE} for no limit. */
    private final int connectsInFlight;
    private final long silentAfterMillis;
    /** An established client is read in every this many send rounds of its slot (see the class comment). */
    private final int readEveryRounds;
    private long round; // completed passes over all slots
    private final Map<String, Long> hangs;
    private final Connection[] connections;
    private final Selector selector;
    private final Thread thread;
    private final AtomicLongArray counts = new AtomicLongArray(Count.values().length);
    private final AtomicInteger hangRequests = new AtomicInteger();
    private final ByteBuffer out = ByteBuffer.allocateDirect(1024);
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final byte[] tsDigits = new byte[LoadFrames.MAX_DECIMAL_DIGITS];
    private volatile boolean running = true;
    private volatile Throwable died;
    private int nextToOpen;
    private int opening;
    private boolean inOpenMore;

    /**
     * @param hangs where a hang is recorded as client id → epoch ms of the hang
     * @param connectsInFlight unfinished connects and handshakes at once, at most; 0 for no limit
     */
    LoadShard(int number, InetSocketAddress server, int firstClient, int clients, long intervalMillis,
              Map<String, Long> hangs, int connectsInFlight) throws IOException {
        this.number = number;
        this.server = server;
        this.intervalMillis = intervalMillis;
        this.connectsInFlight = connectsInFlight <= 0 ? Integer.MAX_VALUE : connectsInFlight;
        this.silentAfterMillis = Math.max(SILENT_AFTER_MILLIS, 3 * intervalMillis);
        this.readEveryRounds = (int) Math.max(1, Math.min(READ_EVERY_MILLIS, silentAfterMillis / 2) / intervalMillis);
        this.hangs = hangs;
        this.connections = new Connection[clients];
        for (int i = 0; i < clients; i++) {
            connections[i] = new Connection("load-" + (firstClient + i), i);
        }
        this.selector = Selector.open();
        this.thread = new Thread(this, "load-shard-" + number);
    }

    void start() {
        thread.start();
    }

    /** Asks the shard to hang one random connected client: it stops writing and reading on it, for good. */
    void requestHang() {
        hangRequests.incrementAndGet();
        selector.wakeup();
    }

    /** Stops the thread and closes every connection (not counted as closes). */
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(10_000);
    }

    /** Live counters, indexed by {@link Count#ordinal()}; written by the shard thread only, except MAX_LAG_MS. */
    AtomicLongArray counts() {
        return counts;
    }

    /**
     * For every client whose connect was issued: {@code {openedNanos, connectedNanos, establishedNanos}} ({@link
     * System#nanoTime()}: connect issued, TCP connect complete, handshake complete; 0 if that never happened). Call only after {@link #stop()} (the join publishes them).
     */
    long[][] connectTimes() {
        return Arrays.stream(connections).filter(c -> c.openedNanos != 0)
                .map(c -> new long[] {c.openedNanos, c.connectedNanos, c.establishedNanos}).toArray(long[][]::new);
    }

    /** The exception that ended the shard's thread, or null while it runs (or ended normally). */
    Throwable died() {
        return died;
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable t) {
            died = t;
            System.out.println("shard " + number + " DIED: " + t);
            t.printStackTrace(System.out);
        } finally {
            for (Connection c : connections) {
                if (c.channel != null) {
                    try {
                        c.channel.close();
                    } catch (IOException ignored) {
                        // shutting down
                    }
                }
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
        }
    }

    private void loop() throws IOException {
        long tickNanos = intervalMillis * 1_000_000L / SLOTS;
        long intervalNanos = tickNanos * SLOTS;
        long nextSlotAt = System.nanoTime() + tickNanos;
        long nextScanAt = System.nanoTime() + 1_000_000_000L;
        int slot = 0;
        openMore();
        while (running) {
            long now = System.nanoTime();
            if (now - nextSlotAt >= 0) {
                long late = now - nextSlotAt;
                if (late > intervalNanos) {
                    // More than an interval behind: catching up would send bursts; drop the missed slots instead.
                    counts.addAndGet(Count.SLOTS_DROPPED.ordinal(), late / tickNanos);
                    nextSlotAt = now;
                }
                counts.accumulateAndGet(Count.MAX_LAG_MS.ordinal(), late / 1_000_000L, Math::max);
                sendSlot(slot);
                slot = (slot + 1) % SLOTS;
                if (slot == 0) {
                    round++;
                }
                nextSlotAt += tickNanos;
            }
            if (hangRequests.get() > 0) {
                for (int n = hangRequests.getAndSet(0); n > 0; n--) {
                    hangOne();
                }
            }
            if (now - nextScanAt >= 0) {
                scan();
                nextScanAt += 1_000_000_000L;
            }
            long waitNanos = nextSlotAt - System.nanoTime();
            if (waitNanos <= 0) {
                selector.selectNow(this::onReady);
            } else {
                selector.select(this::onReady, (waitNanos + 999_999) / 1_000_000);
            }
        }
    }

    // ---- connecting and the handshake

    /** Opens connections until {@link #connectsInFlight} are unfinished or all have been opened. */
    private void openMore() {
        if (inOpenMore) {
            return; // a connection that finishes at once calls back in here; the loop below goes on anyway
        }
        inOpenMore = true;
        try {
            while (running && opening < connectsInFlight && nextToOpen < connections.length) {
                open(connections[nextToOpen++]);
            }
        } finally {
            inOpenMore = false;
        }
    }

    private void open(Connection c) {
        opening++;
        counts.incrementAndGet(Count.OPENING.ordinal());
        c.openedAt = System.currentTimeMillis();
        c.openedNanos = System.nanoTime();
        try {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean done = c.channel.connect(server);
            c.key = c.channel.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            if (done) {
                connected(c);
            }
        } catch (IOException e) {
            connectFailed(c, e);
        }
    }

    private void finishConnect(Connection c) {
        try {
            c.channel.finishConnect();
        } catch (IOException e) {
            connectFailed(c, e);
            return;
        }
        c.key.interestOps(SelectionKey.OP_READ);
        connected(c);
    }

    private void connected(Connection c) {
        c.connectedNanos = System.nanoTime();
        c.state = State.HANDSHAKE;
        write(c, ByteBuffer.wrap(LoadFrames.hello(c.id, ++c.seq, System.currentTimeMillis(), c.nonce)));
    }

    private void connectFailed(Connection c, IOException e) {
        c.state = State.CLOSED;
        closeQuietly(c);
        counts.incrementAndGet(Count.CONNECT_FAILED.ordinal());
        printLimited(CONNECT_FAILURES_PRINTED, PRINT_OTHERS, "connect failed: " + c.id + " (shard " + number
                + ") to " + server + ": " + e);
        notOpeningAnyMore();
    }

    /** Bytes read while the server's hello is incomplete; returns where the bytes after the hello start, or -1. */
    private int helloBytes(Connection c, int length) {
        for (int i = 0; i < length; i++) {
            byte b = in.get(i);
            if (b == '\n') {
                c.framesReceived++;
                counts.incrementAndGet(Count.RECEIVED.ordinal());
                established(c);
                return c.state == State.ESTABLISHED ? i + 1 : -1;
            }
            if (c.helloLine == null) {
                c.helloLine = new byte[256];
            } else if (c.helloLength == c.helloLine.length) {
                if (c.helloLength >= LoadFrames.MAX_FRAME_BYTES) {
                    close(c, Count.CLOSED_BAD_HELLO, "the server's hello exceeds " + LoadFrames.MAX_FRAME_BYTES
                            + " bytes without a newline");
                    return -1;
                }
                c.helloLine = Arrays.copyOf(c.helloLine, c.helloLength * 2);
            }
            c.helloLine[c.helloLength++] = b;
        }
        return -1;
    }

    private void established(Connection c) {
        String serverNonce;
        try {
            serverNonce = LoadFrames.serverNonce(c.helloLine == null ? new byte[0] : c.helloLine, c.helloLength,
                    c.nonce);
        } catch (IllegalArgumentException e) {
            close(c, Count.CLOSED_BAD_HELLO, e.getMessage());
            return;
        }
        c.helloLine = null;
        c.tail = LoadFrames.heartbeatTail(c.nonce, serverNonce);
        c.state = State.ESTABLISHED;
        c.establishedAt = System.currentTimeMillis();
        c.establishedNanos = System.nanoTime();
        c.lastReadAt = c.establishedAt;
        counts.incrementAndGet(Count.CONNECTED.ordinal());
        c.key.interestOps(interest(c)); // from now on its socket is read by the send slots, not selected
        // The protocol answers the server's hello at once; the session is CONNECTED on the server with it.
        int tsLength = LoadFrames.formatDecimal(c.establishedAt, tsDigits);
        sendHeartbeat(c, tsLength);
        notOpeningAnyMore();
    }

    private void notOpeningAnyMore() {
        opening--;
        counts.decrementAndGet(Count.OPENING.ordinal());
        openMore();
    }

    // ---- the steady state

    /**
     * Sends the slot's clients their heartbeat and reads the sockets of those whose turn it is (each client every
     * {@link #readEveryRounds} rounds, spread over the rounds by its position in the slot).
     */
    private void sendSlot(int slot) {
        int tsLength = LoadFrames.formatDecimal(System.currentTimeMillis(), tsDigits);
        long skips = 0;
        int readTurn = (int) (round % readEveryRounds);
        for (int i = slot, k = 0; i < connections.length; i += SLOTS, k++) {
            Connection c = connections[i];
            if (c.state != State.ESTABLISHED || c.hung) {
                continue;
            }
            if (k % readEveryRounds == readTurn) {
                read(c);
                if (c.state != State.ESTABLISHED) {
                    continue; // the server closed it
                }
            }
            if (c.pending != null) {
                skips++;
                continue;
            }
            sendHeartbeat(c, tsLength);
        }
        if (skips > 0) {
            counts.addAndGet(Count.BACK_PRESSURE_SKIPS.ordinal(), skips);
        }
    }

    /** What the selector watches on this connection: the server's hello during the handshake, and unfinished writes. */
    private static int interest(Connection c) {
        return (c.state == State.HANDSHAKE ? SelectionKey.OP_READ : 0) | (c.pending != null ? SelectionKey.OP_WRITE : 0);
    }

    /** Sends the next heartbeat; the send time is in {@link #tsDigits}. */
    private void sendHeartbeat(Connection c, int tsLength) {
        out.clear();
        LoadFrames.putHeartbeat(out, c.head, ++c.seq, tsDigits, tsLength, c.tail);
        out.flip();
        write(c, out);
    }

    /** Writes one frame; a remainder the socket did not take is kept and written when it is writable again. */
    private void write(Connection c, ByteBuffer frame) {
        try {
            c.channel.write(frame);
        } catch (IOException e) {
            close(c, Count.CLOSED_WRITE_ERROR, "write failed: " + e);
            return;
        }
        c.framesSent++;
        counts.incrementAndGet(Count.SENT.ordinal());
        if (frame.hasRemaining()) {
            c.pending = ByteBuffer.allocate(frame.remaining()).put(frame).flip();
            c.key.interestOps(interest(c));
        }
    }

    private void flush(Connection c) {
        try {
            c.channel.write(c.pending);
        } catch (IOException e) {
            close(c, Count.CLOSED_WRITE_ERROR, "write of a pending remainder failed: " + e);
            return;
        }
        if (!c.pending.hasRemaining()) {
            c.pending = null;
            c.key.interestOps(interest(c));
        }
    }

    private void onReady(SelectionKey key) {
        Connection c = (Connection) key.attachment();
        if (!key.isValid() || c.state == State.CLOSED) {
            return;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            finishConnect(c);
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            flush(c);
        }
        if ((ready & SelectionKey.OP_READ) != 0 && c.state == State.HANDSHAKE) {
            read(c);
        }
    }

    /**
     * Drains the socket (selected during the handshake, polled by the send slots after it); after the handshake the
     * bytes are only counted by newline, never parsed.
     */
    private void read(Connection c) {
        int n;
        do {
            in.clear();
            try {
                n = c.channel.read(in);
            } catch (IOException e) {
                close(c, Count.CLOSED_READ_ERROR, "read failed: " + e);
                return;
            }
            if (n < 0) {
                close(c, Count.CLOSED_EOF, "end of stream: the server closed the connection");
                return;
            }
            if (n == 0) {
                return;
            }
            c.lastReadAt = System.currentTimeMillis();
            int from = 0;
            if (c.state == State.HANDSHAKE) {
                from = helloBytes(c, n);
                if (from < 0) {
                    return; // hello incomplete (more to come), or the connection is closed
                }
            }
            int lines = 0;
            for (int i = from; i < n; i++) {
                if (in.get(i) == '\n') {
                    lines++;
                }
            }
            c.framesReceived += lines;
            counts.addAndGet(Count.RECEIVED.ordinal(), lines);
        } while (n == in.capacity());
    }

    private void hangOne() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int tries = 0; tries < 64 && connections.length > 0; tries++) {
            Connection c = connections[random.nextInt(connections.length)];
            if (c.state == State.ESTABLISHED && !c.hung) {
                c.hung = true;
                c.key.interestOps(0); // neither written nor read from now on: the socket buffers fill up
                hangs.put(c.id, System.currentTimeMillis());
                counts.incrementAndGet(Count.HUNG.ordinal());
                return;
            }
        }
        counts.incrementAndGet(Count.HANG_MISSES.ordinal());
        printLimited(OTHERS_PRINTED, PRINT_OTHERS, "shard " + number + ": no connected client to hang found");
    }

    /** Refreshes the gauges that need a walk over all connections. */
    private void scan() {
        long now = System.currentTimeMillis();
        int pending = 0;
        int silent = 0;
        for (Connection c : connections) {
            if (c.state != State.ESTABLISHED) {
                continue;
            }
            if (c.pending != null) {
                pending++;
            }
            if (!c.hung && now - c.lastReadAt > silentAfterMillis) {
                silent++;
            }
        }
        counts.set(Count.PENDING.ordinal(), pending);
        counts.set(Count.SILENT.ordinal(), silent);
    }

    // ---- closing

    private void close(Connection c, Count why, String reason) {
        if (c.state == State.CLOSED) {
            return;
        }
        State was = c.state;
        c.state = State.CLOSED;
        closeQuietly(c);
        counts.incrementAndGet(why.ordinal());
        long now = System.currentTimeMillis();
        int pendingBytes = c.pending == null ? 0 : c.pending.remaining();
        c.pending = null;
        c.helloLine = null;
        int k = CLOSES_PRINTED.incrementAndGet();
        if (k <= PRINT_CLOSES) {
            String age = was == State.ESTABLISHED
                    ? String.format("%.1f s after the handshake, last read %d ms ago", (now - c.establishedAt) / 1e3,
                            now - c.lastReadAt)
                    : String.format("%d ms after connecting", now - c.openedAt);
            System.out.printf("close #%d: %s (shard %d, #%d): %s; state %s%s, %s; frames sent %d, received %d, "
                    + "pending %d bytes%n", k, c.id, number, c.index, reason, was, c.hung ? " (hung)" : "", age,
                    c.framesSent, c.framesReceived, pendingBytes);
        }
        if (was == State.ESTABLISHED) {
            counts.decrementAndGet(Count.CONNECTED.ordinal());
        } else {
            notOpeningAnyMore();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c.key != null) {
            c.key.cancel();
        }
        if (c.channel != null) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // already broken; the reason was recorded by the caller
            }
        }
    }

    private static void printLimited(AtomicInteger printed, int limit, String line) {
        if (printed.incrementAndGet() <= limit) {
            System.out.println(line);
        }
    }
}

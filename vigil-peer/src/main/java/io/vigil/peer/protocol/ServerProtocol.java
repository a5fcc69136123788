package io.vigil.peer.protocol;

import io.vigil.peer.ErrorKind;
import io.vigil.peer.EventName;
import io.vigil.peer.PeerError;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerListener;
import io.vigil.peer.Timing;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server side of the TCP protocol as a pure state machine: no sockets, no threads, time passed in.
 *
 * <p>Per connection: the client's {@code hello} is answered with the server's {@code hello}; the first client heartbeat
 * that echoes the server's nonce makes the session {@code CONNECTED} and emits {@code connected}. Then:
 * <table>
 * <caption>Server transitions</caption>
 * <tr><th>what happens</th><th>events</th></tr>
 * <tr><td>a client completes the handshake</td><td>connected</td></tr>
 * <tr><td>a client heartbeat arrives (each interval)</td><td>heartbeat</td></tr>
 * <tr><td>a connected client closes its connection</td><td>timeout, disconnected</td></tr>
 * <tr><td>a connected client is silent for interval + timeout (hangs)</td><td>timeout, disconnected (the connection
 *     stays open, the session becomes LOST)</td></tr>
 * <tr><td>a heartbeat arrives on a LOST session (the hung client recovers)</td><td>connected</td></tr>
 * <tr><td>a LOST session stays silent for another interval + timeout</td><td>none; the connection is closed (the
 *     reaper: a silent connection must not hold a descriptor for ever; a live client reconnects)</td></tr>
 * <tr><td>{@link #stop}</td><td>disconnected, timeout for each connected session</td></tr>
 * </table>
 *
 * <p>Sending: the server answers each client heartbeat at once with its own, unless it sent on that connection less
 * than half an interval ago; a connection that calls for nothing (a hung or slow client) still gets a heartbeat at most
 * interval + min(interval, timeout)/4 after the last one. So a client hears the server at least every 1.25 intervals,
 * well inside its interval + timeout, and on the wire the answer carries the acknowledgement of the client's frame.
 *
 * <p>Only on evidence: a session times out only when the server has proven it read everything that arrived up to
 * the session's deadline. The edge passes that proof to {@link #tick(long, long)} as a read watermark (the time up to
 * which every byte on every connection has been read and handed to {@link #received}); a server that is itself behind
 * (a connect burst, a long read loop, a stall) holds its verdicts until it has caught up instead of declaring its
 * clients dead.
 *
 * <p>Not thread-safe: the caller serialises all calls (the adapter runs them on one event loop).
 */
public final class ServerProtocol {

    /** The socket edge the protocol drives. */
    public interface Io {
        void send(long connection, Frame frame);

        /**
         * {@link #send(long, Frame)} with the session at hand: an edge that keeps its socket in the session's
         * {@link Session#attachment()} sends without looking the connection up.
         */
        default void send(Session session, Frame frame) {
            send(session.id, frame);
        }

        void close(long connection);
    }

    private enum SessionState { HANDSHAKE, CONNECTED, LOST }

    /**
     * One connection's session, as a handle for the edge: {@link #accepted} returns it, and an edge that keeps it per
     * connection passes it to {@link #received(Session, Frame, long)} instead of the connection id, which saves a map
     * lookup (and a boxed id) per frame. Its state belongs to the protocol and is confined to the protocol's thread.
     */
    public static final class Session {
        private final long id;
        final String host;
        final int port;
        final long openedAt;
        final String serverNonce;
        SessionState state = SessionState.HANDSHAKE;
        int index; // position in the protocol's session array
        long sentSeq; // frames sent on this connection: the server's seq, increasing per connection
        long lastSentAt; // when the server last sent a frame on this connection
        String clientNonce;
        String clientId;
        LeadershipStatus leadership; // what the client claims in its frames (ldr), or null
        long lastSeq = -1;
        long lastHeard;
        boolean forgotten; // closed, rejected, reaped or stopped: frames that still arrive on it are dropped
        private Object attachment;

        Session(long id, String host, int port, long openedAt, String serverNonce) {
            this.id = id;
            this.host = host;
            this.port = port;
            this.openedAt = openedAt;
            this.serverNonce = serverNonce;
        }

        /** The connection id given to {@link #accepted}. */
        public long id() {
            return id;
        }

        /** The nonce the server sent on this connection, which the client's heartbeats echo ({@code pn}). */
        public String serverNonce() {
            return serverNonce;
        }

        /** Whatever the edge attached to this session (its socket), or null. */
        public Object attachment() {
            return attachment;
        }

        /** Attaches the edge's own object (its socket) to this session. */
        public void attach(Object attachment) {
            this.attachment = attachment;
        }
    }

    static final long HANDSHAKE_FLOOR_MILLIS = 5000;

    private final String selfId;
    private final Timing timing;
    private final PeerListener out;
    private final Io io;
    private final Supplier<String> nonces;
    private final Map<Long, Session> sessions = new HashMap<>();
    // The same sessions in an array for the tick's scan (a HashMap walk costs several times more at 10,000 sessions).
    private Session[] all = new Session[16];
    // due[i]: no condition of the tick can hold for all[i] before this time (its next unasked send, timeout, reaping or
    // handshake limit; see dueAt). Never later than that: kept exact where a deadline comes earlier, and where one
    // moves later it may lag, which only costs a look at the session. The tick reads this array, not the sessions: at
    // thousands of sessions each is cold in the caches, and a look at each every tick was 8 % of the Java samples.
    private long[] due = new long[16];
    private int count;
    private int connected;
    private long lastTick;
    // The earliest due[i] the last scan found, or earlier: ticks before it skip the scan.
    private long nextScanAt = Long.MIN_VALUE;
    private final long sendSlack;
    private long suspendedAt = -1;
    private boolean stopped;
    private LeadershipStatus leadership; // what this server claims in its frames (ldr), or null: none

    public ServerProtocol(String selfId, Timing timing, PeerListener out, Io io, Supplier<String> nonces, long now) {
        this.selfId = selfId;
        this.timing = timing;
        this.out = out;
        this.io = io;
        this.nonces = nonces;
        this.lastTick = now;
        this.sendSlack = Math.min(timing.intervalMillis(), timing.timeoutMillis()) / 4;
    }

    /** The leadership this server claims in every frame from now on ({@code ldr}); null claims none. */
    public void leadership(LeadershipStatus status) {
        this.leadership = status;
    }

    /**
     * A TCP connection was accepted. Nothing is emitted until its handshake completes.
     *
     * @return the connection's session handle, or null if the server is stopped (the connection is closed)
     */
    public Session accepted(long connection, String host, int port, long now) {
        if (stopped) {
            io.close(connection);
            return null;
        }
        Session s = new Session(connection, host, port, now, nonces.get());
        sessions.put(connection, s);
        if (count == all.length) {
            all = Arrays.copyOf(all, count * 2);
            due = Arrays.copyOf(due, count * 2);
        }
        s.index = count;
        all[count++] = s;
        schedule(s);
        return s;
    }

    private Session forget(long connection) {
        Session s = sessions.remove(connection);
        if (s != null) {
            s.forgotten = true;
            Session last = all[--count];
            all[s.index] = last;
            due[s.index] = due[count];
            last.index = s.index;
            all[count] = null;
            if (s.state == SessionState.CONNECTED) {
                connected--;
            }
        }
        return s;
    }

    private void setState(Session s, SessionState state) {
        if (s.state == SessionState.CONNECTED) {
            connected--;
        }
        if (state == SessionState.CONNECTED) {
            connected++;
        }
        s.state = state;
    }

    /** A decoded, authenticated frame arrived on {@code connection}. */
    public void received(long connection, Frame frame, long now) {
        Session s = sessions.get(connection);
        if (s != null) {
            received(s, frame, now);
        }
    }

    /** {@link #received(long, Frame, long)} by the handle {@link #accepted} returned. */
    public void received(Session s, Frame frame, long now) {
        if (s.forgotten || stopped || suspendedAt >= 0) {
            return; // a suspended server reads nothing: the edge pauses its sockets; this guards a race
        }
        if (frame.seq() <= s.lastSeq) {
            reject(s, ErrorKind.AUTH_FAILED, "sequence number " + frame.seq() + " is not above " + s.lastSeq
                    + ": replayed or reordered frame", now);
            return;
        }
        if (frame.type() == FrameType.HELLO) {
            if (s.state != SessionState.HANDSHAKE || s.clientNonce != null) {
                reject(s, ErrorKind.BAD_FRAME, "second hello on one connection", now);
                return;
            }
            s.clientNonce = frame.nonce();
            s.clientId = frame.endpointId();
            s.leadership = frame.leadership();
            s.lastSeq = frame.seq();
            send(s, FrameType.HELLO, now);
            return;
        }
        if (s.clientNonce == null || !s.serverNonce.equals(frame.peerNonce()) || !s.clientNonce.equals(frame.nonce())) {
            reject(s, ErrorKind.AUTH_FAILED, "heartbeat does not belong to this connection's handshake", now);
            return;
        }
        s.lastSeq = frame.seq();
        s.lastHeard = now;
        s.leadership = frame.leadership();
        if (now - s.lastSentAt >= timing.intervalMillis() / 2) {
            // Answer at once: the reply carries the TCP acknowledgement of the client's heartbeat, one packet fewer
            // each way per interval than two independent timers, and the sends follow the clients' own phases.
            send(s, FrameType.HEARTBEAT, now);
        }
        boolean connects = s.state != SessionState.CONNECTED; // HANDSHAKE, or LOST and recovering
        if (connects) {
            setState(s, SessionState.CONNECTED);
        }
        if (!s.forgotten) { // (a send that failed at once may have closed it)
            schedule(s); // once connected, its deadlines may also come before its handshake limit
        }
        emit(connects ? EventName.CONNECTED : EventName.HEARTBEAT, s, now);
    }

    /** A frame on {@code connection} could not be decoded or authenticated: reported, and the connection closed. */
    public void rejected(long connection, ErrorKind kind, String why, long now) {
        Session s = sessions.get(connection);
        if (s != null) {
            reject(s, kind, why, now);
        }
    }

    /** The connection closed (by the client, the network, or {@link Io#close}). */
    public void closed(long connection, long now) {
        Session s = forget(connection);
        if (s != null && s.state == SessionState.CONNECTED && !stopped) {
            emit(EventName.TIMEOUT, s, now);
            emit(EventName.DISCONNECTED, s, now);
        }
    }

    /** {@link #tick(long, long)} for an edge that has read everything up to {@code now}. */
    public void tick(long now) {
        tick(now, now);
    }

    /**
     * Advances time: sends heartbeats that are due, times out silent sessions and closes sessions lost for good. Call
     * every {@link Timing#tickMillis()}.
     *
     * <p>Each condition below needs {@code now} at or past one of the session's deadlines, so a session whose
     * {@code due} time lies ahead is passed over without a look, and a tick before the earliest of them does nothing:
     * the same sessions are handled, in the same order, on the same ticks as by a look at every session every tick.
     *
     * @param now       the current time
     * @param heardUpTo the read watermark, at most {@code now}: every frame that reached this server before it has been
     *                  passed to {@link #received}. A session is judged silent only up to this time.
     */
    public void tick(long now, long heardUpTo) {
        if (stopped || suspendedAt >= 0) {
            return;
        }
        long gap = now - lastTick;
        lastTick = now;
        if (gap > timing.silenceLimitMillis()) {
            // This process was frozen (GC pause, SIGSTOP): our own silence is not the clients' fault.
            shift(gap);
        }
        if (now < nextScanAt) {
            return;
        }
        long heard = Math.min(now, heardUpTo);
        long limit = timing.silenceLimitMillis();
        long interval = timing.intervalMillis();
        long next = Long.MAX_VALUE;
        List<Session> expired = null;
        List<Session> reaped = null;
        for (int i = 0; i < count; i++) {
            if (due[i] > now) {
                next = Math.min(next, due[i]);
                continue;
            }
            Session s = all[i];
            if (s.state == SessionState.HANDSHAKE) {
                if (heard - s.openedAt >= handshakeLimitMillis()) {
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(s);
                } else {
                    next = Math.min(next, due[i] = dueAt(s));
                }
                continue;
            }
            // A session whose client did not call for an answer in time gets one on its own, on its own phase (from
            // its last frame), so a tick never sends to all sessions in one burst.
            if (now - s.lastSentAt >= interval + sendSlack) {
                send(s, FrameType.HEARTBEAT, now);
            }
            if (s.state == SessionState.CONNECTED && heard - s.lastHeard >= limit) {
                setState(s, SessionState.LOST);
                emit(EventName.TIMEOUT, s, now);
                emit(EventName.DISCONNECTED, s, now);
            } else if (s.state == SessionState.LOST && heard - s.lastHeard >= 2 * limit) {
                if (reaped == null) {
                    reaped = new ArrayList<>();
                }
                reaped.add(s);
                continue;
            }
            next = Math.min(next, due[i] = dueAt(s));
        }
        nextScanAt = next;
        if (expired != null) {
            for (Session s : expired) {
                reject(s, ErrorKind.BAD_FRAME, "no complete handshake within " + handshakeLimitMillis() + " ms",
                        now);
            }
        }
        if (reaped != null) {
            for (Session s : reaped) {
                forget(s.id); // its timeout and disconnected went out when it became LOST
                io.close(s.id);
            }
        }
    }

    /** Stops answering: nothing is sent and nothing times out until {@link #resume}. */
    public void suspend(long now) {
        if (suspendedAt < 0) {
            suspendedAt = now;
        }
    }

    /** Continues where {@link #suspend} left off: every deadline moves by the time spent suspended. */
    public void resume(long now) {
        if (suspendedAt >= 0) {
            shift(now - suspendedAt);
            suspendedAt = -1;
            lastTick = now;
        }
    }

    /** Emits disconnected, timeout for each connected session and closes every connection. */
    public void stop(long now) {
        if (stopped) {
            return;
        }
        for (Session s : sessions.values()) {
            s.forgotten = true;
            if (s.state == SessionState.CONNECTED) {
                emit(EventName.DISCONNECTED, s, now);
                emit(EventName.TIMEOUT, s, now);
            }
        }
        stopped = true;
        for (Long id : List.copyOf(sessions.keySet())) {
            io.close(id);
        }
        sessions.clear();
        Arrays.fill(all, 0, count, null);
        count = 0;
        connected = 0;
    }

    /** Number of sessions that completed the handshake and are not lost. */
    public int connectedCount() {
        return connected;
    }

    /**
     * How long a new connection may take to complete its handshake. Not a liveness rule, so it has a generous floor:
     * a client JVM that is still cold (class loading, JIT) or a busy load generator must not be turned away.
     */
    public long handshakeLimitMillis() {
        return Math.max(timing.silenceLimitMillis(), HANDSHAKE_FLOOR_MILLIS);
    }

    /**
     * The earliest time a tick may have something to do for a session: its handshake limit while in handshake, else its
     * next unasked heartbeat, its timeout or its reaping. Each condition in {@link #tick(long, long)} compares
     * {@code now}, or the read watermark (at most {@code now}), with one of these.
     */
    private long dueAt(Session s) {
        if (s.state == SessionState.HANDSHAKE) {
            return s.openedAt + handshakeLimitMillis();
        }
        long send = s.lastSentAt + timing.intervalMillis() + sendSlack;
        long silence = s.lastHeard + (s.state == SessionState.CONNECTED ? 1 : 2) * timing.silenceLimitMillis();
        return Math.min(send, silence);
    }

    /** Sets the session's due time from its state now, and the next scan no later than that. */
    private void schedule(Session s) {
        long at = dueAt(s);
        due[s.index] = at;
        if (at < nextScanAt) {
            nextScanAt = at;
        }
    }

    private void shift(long by) {
        nextScanAt = Long.MIN_VALUE; // every deadline moved: find the earliest again
        for (int i = 0; i < count; i++) {
            due[i] += by;
            all[i].lastHeard += by;
            all[i].lastSentAt += by;
        }
    }

    private void send(Session s, FrameType type, long now) {
        s.lastSentAt = now;
        io.send(s, new Frame(type, selfId, ++s.sentSeq, now, s.serverNonce, s.clientNonce, leadership));
    }

    private void reject(Session s, ErrorKind kind, String why, long now) {
        out.onError(new PeerError(kind, "client " + s.host + ":" + s.port + ": " + why + "; closing the connection",
                now));
        // Forget the session now, not when the close completes: a slow close must not be rejected again next tick.
        forget(s.id);
        if (s.state == SessionState.CONNECTED) {
            emit(EventName.TIMEOUT, s, now);
            emit(EventName.DISCONNECTED, s, now);
        }
        io.close(s.id);
    }

    private void emit(EventName name, Session s, long now) {
        out.onEvent(new PeerEvent(name, s.host, s.port, now, s.lastSeq, s.clientId, s.leadership));
    }
}

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
import java.util.function.Supplier;

/**
 * The client side of the TCP protocol as a pure state machine: no sockets, no threads, time passed in.
 *
 * <table>
 * <caption>Client transitions</caption>
 * <tr><th>what happens</th><th>events</th></tr>
 * <tr><td>the first handshake with the server completes</td><td>connected</td></tr>
 * <tr><td>a server heartbeat arrives (each interval)</td><td>heartbeat</td></tr>
 * <tr><td>{@link #stop}</td><td>disconnected, timeout (only disconnected while recovering)</td></tr>
 * <tr><td>the server is silent for interval + timeout (hangs), or closes the connection (stops, exits)</td>
 *     <td>timeout; recovery starts</td></tr>
 * <tr><td>the server is heard again, on the old connection or a new one, within the recovery window</td>
 *     <td>reconnect</td></tr>
 * <tr><td>the recovery window (reconnectAttempts × reconnectSleep after the timeout) ends unheard</td>
 *     <td>disconnected (at once when reconnectAttempts is 0)</td></tr>
 * </table>
 *
 * <p>Recovery: attempt k (k = 0 … attempts−1) happens at timeout + k × sleep; an attempt opens a new connection if the
 * old one is closed and otherwise keeps listening on it. The first connection after {@link #start} that fails is
 * retried the same way, reconnectAttempts times; if all fail, the client ends DISCONNECTED with an error and no event
 * (it was never connected).
 *
 * <p>Not thread-safe: the caller serialises all calls.
 */
public final class ClientProtocol {

    /** The socket edge the protocol drives. */
    public interface Io {
        /** Opens a new connection; answer with {@link #connectionOpened} or {@link #connectFailed}. */
        void connect();

        void send(Frame frame);

        /** Closes the current connection, if any; {@link #closed} need not be called for it. */
        void close();
    }

    /** Where the client is. */
    public enum Phase { CONNECTING, CONNECTED, RECOVERING, DISCONNECTED, STOPPED }

    private final String selfId;
    private final String serverHost;
    private final int serverPort;
    private final Timing timing;
    private final PeerListener out;
    private final Io io;
    private final Supplier<String> nonces;

    private Phase phase = Phase.CONNECTING;
    private boolean connectionOpen;
    private boolean connectInFlight;
    private String nonce;
    private String serverNonce;
    private String serverId;
    private LeadershipStatus serverLeadership; // what the server claims in its frames (ldr), or null
    private LeadershipStatus leadership; // what this client claims, or null: none
    private long handshakeStartedAt;
    private long seq;
    private long lastServerSeq = -1;
    private long lastHeard;
    private long nextSendAt;
    private long lastTick;
    private int attemptsLeft;
    private long nextAttemptAt = Long.MAX_VALUE;
    private long giveUpAt = Long.MAX_VALUE;
    private long suspendedAt = -1;

    public ClientProtocol(String selfId, String serverHost, int serverPort, Timing timing, PeerListener out, Io io,
                          Supplier<String> nonces) {
        this.selfId = selfId;
        this.serverHost = serverHost;
        this.serverPort = serverPort;
        this.timing = timing;
        this.out = out;
        this.io = io;
        this.nonces = nonces;
    }

    /** The leadership this client claims in every frame from now on ({@code ldr}); null claims none. */
    public void leadership(LeadershipStatus status) {
        this.leadership = status;
    }

    public Phase phase() {
        return phase;
    }

    /** Begins: opens the first connection. */
    public void start(long now) {
        lastTick = now;
        attemptsLeft = timing.reconnectAttempts();
        openConnection();
    }

    /** A connection opened: the handshake starts. */
    public void connectionOpened(long now) {
        connectInFlight = false;
        if (phase == Phase.STOPPED || phase == Phase.DISCONNECTED) {
            closeConnection();
            return;
        }
        connectionOpen = true;
        nonce = nonces.get();
        serverNonce = null;
        lastServerSeq = -1;
        handshakeStartedAt = now;
        io.send(new Frame(FrameType.HELLO, selfId, ++seq, now, nonce, null, leadership));
    }

    /** A connection attempt failed. */
    public void connectFailed(String cause, long now) {
        connectInFlight = false;
        if (phase == Phase.STOPPED || phase == Phase.DISCONNECTED) {
            return;
        }
        out.onError(new PeerError(ErrorKind.CONNECT_FAILED, "cannot connect to server " + serverHost + ":" + serverPort
                + ": " + cause, now));
        initialAttemptFailed(now);
    }

    /** A decoded, authenticated frame arrived on the current connection. */
    public void received(Frame frame, long now) {
        if (!connectionOpen || phase == Phase.STOPPED || phase == Phase.DISCONNECTED || suspendedAt >= 0) {
            return;
        }
        if (frame.seq() <= lastServerSeq) {
            protocolError(ErrorKind.AUTH_FAILED, "sequence number " + frame.seq() + " is not above " + lastServerSeq
                    + ": replayed or reordered frame", now);
            return;
        }
        if (!nonce.equals(frame.peerNonce())) {
            protocolError(ErrorKind.AUTH_FAILED, "frame does not echo this connection's nonce", now);
            return;
        }
        if (frame.type() == FrameType.HELLO) {
            if (serverNonce != null) {
                protocolError(ErrorKind.BAD_FRAME, "second hello on one connection", now);
                return;
            }
            serverNonce = frame.nonce();
            serverId = frame.endpointId();
            // Answer at once: the server counts the client as connected on its first echoing heartbeat.
            io.send(heartbeat(now));
            nextSendAt = now + timing.intervalMillis();
        } else if (serverNonce == null || !serverNonce.equals(frame.nonce())) {
            protocolError(ErrorKind.AUTH_FAILED, "heartbeat before hello or from another connection", now);
            return;
        }
        lastServerSeq = frame.seq();
        lastHeard = now;
        serverLeadership = frame.leadership();
        switch (phase) {
            case CONNECTING -> {
                phase = Phase.CONNECTED;
                emit(EventName.CONNECTED, now);
            }
            case RECOVERING -> {
                phase = Phase.CONNECTED;
                nextAttemptAt = Long.MAX_VALUE;
                giveUpAt = Long.MAX_VALUE;
                emit(EventName.RECONNECT, now);
            }
            case CONNECTED -> {
                if (frame.type() == FrameType.HEARTBEAT) {
                    emit(EventName.HEARTBEAT, now);
                }
            }
            default -> {
            }
        }
    }

    /** A frame could not be decoded or authenticated: reported, and the connection dropped. */
    public void rejected(ErrorKind kind, String why, long now) {
        protocolError(kind, why, now);
    }

    /** The current connection closed. */
    public void closed(long now) {
        if (!connectionOpen) {
            return;
        }
        connectionOpen = false;
        connectionLost(now);
    }

    private void connectionLost(long now) {
        switch (phase) {
            case CONNECTED -> lose(now);
            case CONNECTING -> {
                out.onError(new PeerError(ErrorKind.CONNECT_FAILED, "server " + serverHost + ":" + serverPort
                        + " closed the connection during the handshake", now));
                initialAttemptFailed(now);
            }
            default -> {
            }
        }
    }

    /** Advances time: sends due heartbeats, detects silence, runs recovery. Call every {@link Timing#tickMillis()}. */
    public void tick(long now) {
        if (phase == Phase.STOPPED || phase == Phase.DISCONNECTED || suspendedAt >= 0) {
            return;
        }
        long gap = now - lastTick;
        lastTick = now;
        if (gap > timing.silenceLimitMillis()) {
            shift(gap); // this process was frozen; the server is not to blame for our own silence
        }
        switch (phase) {
            case CONNECTED -> {
                if (now >= nextSendAt) {
                    io.send(heartbeat(now));
                    nextSendAt = Math.max(nextSendAt + timing.intervalMillis(), now + 1);
                }
                if (now - lastHeard >= timing.silenceLimitMillis()) {
                    lose(now);
                }
            }
            case CONNECTING -> {
                if (connectionOpen && serverNonce == null && now - handshakeStartedAt
                        >= Math.max(timing.silenceLimitMillis(), ServerProtocol.HANDSHAKE_FLOOR_MILLIS)) {
                    protocolError(ErrorKind.CONNECT_FAILED, "server " + serverHost + ":" + serverPort
                            + " accepted the connection but did not answer the handshake", now);
                } else if (!connectionOpen && !connectInFlight && now >= nextAttemptAt) {
                    nextAttemptAt = Long.MAX_VALUE;
                    openConnection();
                }
            }
            case RECOVERING -> recover(now);
            default -> {
            }
        }
    }

    /** Stops: emits disconnected, timeout (connected) or disconnected (recovering), and closes the connection. */
    public void stop(long now) {
        switch (phase) {
            case CONNECTED -> {
                emit(EventName.DISCONNECTED, now);
                emit(EventName.TIMEOUT, now);
            }
            case RECOVERING -> emit(EventName.DISCONNECTED, now);
            default -> {
            }
        }
        phase = Phase.STOPPED;
        closeConnection();
    }

    /** Stops sending and detecting until {@link #resume}. */
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

    private void lose(long now) {
        emit(EventName.TIMEOUT, now);
        if (timing.reconnectAttempts() == 0) {
            giveUp(now);
            return;
        }
        phase = Phase.RECOVERING;
        attemptsLeft = timing.reconnectAttempts();
        nextAttemptAt = now;
        giveUpAt = now + timing.reconnectAttempts() * timing.reconnectSleepMillis();
        recover(now);
    }

    private void recover(long now) {
        if (now >= giveUpAt) {
            giveUp(now);
            return;
        }
        if (now >= nextAttemptAt && attemptsLeft > 0) {
            attemptsLeft--;
            nextAttemptAt += timing.reconnectSleepMillis();
            if (connectionOpen && serverNonce == null && now - handshakeStartedAt >= timing.intervalMillis()) {
                closeConnection(); // a new connection that never answered: try a fresh one
            }
            if (!connectionOpen && !connectInFlight) {
                openConnection();
            }
        }
    }

    private void giveUp(long now) {
        emit(EventName.DISCONNECTED, now);
        phase = Phase.DISCONNECTED;
        closeConnection();
    }

    private void initialAttemptFailed(long now) {
        if (phase != Phase.CONNECTING) {
            return; // during recovery the schedule decides; a refused attempt just waits for the next one
        }
        connectionOpen = false;
        if (attemptsLeft > 0) {
            attemptsLeft--;
            nextAttemptAt = now + timing.reconnectSleepMillis();
        } else {
            phase = Phase.DISCONNECTED;
            closeConnection();
            out.onError(new PeerError(ErrorKind.CONNECT_FAILED, "gave up connecting to " + serverHost + ":"
                    + serverPort + " after " + timing.reconnectAttempts() + " reconnection attempts; check that the "
                    + "server runs, then send stop and start again", now));
        }
    }

    private void protocolError(ErrorKind kind, String why, long now) {
        out.onError(new PeerError(kind, "server " + serverHost + ":" + serverPort + ": " + why
                + "; closing the connection", now));
        boolean wasOpen = connectionOpen;
        closeConnection();
        if (wasOpen) {
            connectionLost(now);
        }
    }

    private void closeConnection() {
        connectionOpen = false;
        connectInFlight = false; // the edge drops callbacks of a connection it was told to close
        io.close();
    }

    private void openConnection() {
        connectInFlight = true;
        io.connect();
    }

    private void shift(long by) {
        lastHeard += by;
        nextSendAt += by;
        handshakeStartedAt += by;
        if (nextAttemptAt != Long.MAX_VALUE) {
            nextAttemptAt += by;
        }
        if (giveUpAt != Long.MAX_VALUE) {
            giveUpAt += by;
        }
    }

    private Frame heartbeat(long now) {
        return new Frame(FrameType.HEARTBEAT, selfId, ++seq, now, nonce, serverNonce, leadership);
    }

    private void emit(EventName name, long now) {
        out.onEvent(new PeerEvent(name, serverHost, serverPort, now, lastServerSeq, serverId, serverLeadership));
    }
}

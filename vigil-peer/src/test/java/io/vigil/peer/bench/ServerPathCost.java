package io.vigil.peer.bench;

import io.vigil.peer.PeerError;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerListener;
import io.vigil.peer.Timing;
import io.vigil.peer.protocol.ServerProtocol;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.FrameType;
import io.vigil.peer.wire.Nonces;
import io.vigil.peer.wire.SenderMemo;
import io.vigil.peer.wire.WireFormatException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The Java side of the peer server's cost per heartbeat, without sockets (docs/benchmarks-peer.md §2): what the TCP
 * server's event loop does for one client heartbeat once the bytes are read — decode the line, run the protocol
 * ({@link ServerProtocol#received}), encode the answer — plus its share of the 10-ms ticks, for {@code sessions}
 * clients at a 100 ms interval on a simulated clock. It measures this thread's CPU time, so unlike the socket benchmark
 * it is not moved by what else runs on the machine (only by cache pressure), and it compares two ways in one run:
 *
 * <ul>
 *   <li>{@code lookup} — the server path before issue 14: the connection id looked up in a map per frame (twice: the
 *       session, then the socket to answer on) and every string of every frame decoded anew;
 *   <li>{@code handle} — the path now: the session handle held per connection, the socket in its attachment, and the
 *       strings of the sender's earlier frames reused ({@link SenderMemo}).
 * </ul>
 *
 * <p>Args: {@code sessions rounds repeats} (e.g. 5000 200 5). Prints ns per heartbeat for each repeat and mode, and the
 * medians. The kernel's share (read, write, epoll) is not in it: see the socket benchmark for that.
 */
public final class ServerPathCost {

    private static final Timing TIMING = new Timing(100, 200, 0, 5000);

    private ServerPathCost() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        double[][] results = new double[2][repeats];
        for (int r = 0; r < repeats; r++) {
            for (int mode = 0; mode < 2; mode++) {
                results[mode][r] = run(sessions, rounds, mode == 1);
                System.out.printf("repeat %d %-6s %7.1f ns/heartbeat%n", r + 1, mode == 1 ? "handle" : "lookup",
                        results[mode][r]);
            }
        }
        double lookup = median(results[0]);
        double handle = median(results[1]);
        System.out.printf("median: lookup %.1f ns/heartbeat, handle %.1f ns/heartbeat (%.2fx)%n", lookup, handle,
                handle / lookup);
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    /** One run on a fresh protocol; returns CPU ns per heartbeat over the timed rounds. */
    private static double run(int sessions, int rounds, boolean handles) throws WireFormatException {
        long[] events = new long[1];
        PeerListener listener = new PeerListener() {
            @Override
            public void onEvent(PeerEvent event) {
                events[0]++;
            }

            @Override
            public void onError(PeerError error) {
                throw new IllegalStateException(error.message());
            }
        };
        FrameCodec serverCodec = new FrameCodec(null);
        Map<Long, Object> sockets = new HashMap<>(); // the shard's channel map, for the lookup path
        long[] written = new long[1];
        ServerProtocol.Io io = new ServerProtocol.Io() {
            @Override
            public void send(long connection, Frame frame) {
                if (sockets.get(connection) == null) {
                    throw new IllegalStateException("no socket");
                }
                written[0] += serverCodec.encodeInto(frame);
            }

            @Override
            public void send(ServerProtocol.Session session, Frame frame) {
                if (!handles) {
                    send(session.id(), frame);
                    return;
                }
                if (session.attachment() == null) {
                    throw new IllegalStateException("no socket");
                }
                written[0] += serverCodec.encodeInto(frame);
            }

            @Override
            public void close(long connection) {
            }
        };
        long now = 1_732_676_400_000L;
        ServerProtocol protocol = new ServerProtocol("srv", TIMING, listener, io, new Nonces(), now);
        FrameCodec clientCodec = new FrameCodec(null);
        ServerProtocol.Session[] handle = new ServerProtocol.Session[sessions];
        SenderMemo[] memo = new SenderMemo[sessions];
        String[] serverNonce = new String[sessions];
        // Handshakes: hello in, the server's hello out (its nonce is read back from the encoded answer).
        for (int i = 0; i < sessions; i++) {
            memo[i] = new SenderMemo();
            long id = 1000 + i;
            handle[i] = protocol.accepted(id, "127.0.0.1", 40000 + i, now);
            handle[i].attach(new Object());
            sockets.put(id, handle[i].attachment());
            protocol.received(handle[i], new Frame(FrameType.HELLO, "load-" + i, 1, now, nonce(i), null, null), now);
            byte[] answer = Arrays.copyOf(serverCodec.scratch(), 256);
            serverNonce[i] = serverCodec.decode(answer, indexOf(answer, (byte) '}') + 1).nonce();
        }
        // Every client's heartbeats, encoded before the clock starts (the clients' cost is not the server's).
        byte[][][] lines = new byte[rounds + 1][sessions][];
        for (int r = 0; r <= rounds; r++) {
            for (int i = 0; i < sessions; i++) {
                Frame hb = new Frame(FrameType.HEARTBEAT, "load-" + i, r + 2, now + r * 100L, nonce(i), serverNonce[i],
                        null);
                lines[r][i] = clientCodec.encode(hb);
            }
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = 0;
        long heartbeats = 0;
        for (int r = 0; r <= rounds; r++) {
            if (r == 1) { // round 0 warms up
                cpuStart = threads.getCurrentThreadCpuTime();
                heartbeats = 0;
            }
            // A tenth of the clients every 10 ms, then the tick: the order of the real event loop.
            for (int slot = 0; slot < 10; slot++) {
                now += 10;
                for (int i = slot; i < sessions; i += 10) {
                    byte[] line = lines[r][i];
                    Frame frame;
                    if (handles) {
                        frame = serverCodec.decode(line, line.length, memo[i]);
                        protocol.received(handle[i], frame, now);
                    } else {
                        frame = serverCodec.decode(line, line.length);
                        protocol.received(1000L + i, frame, now);
                    }
                    heartbeats++;
                }
                protocol.tick(now, now - 10);
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        if (protocol.connectedCount() != sessions || written[0] == 0 || events[0] == 0) {
            throw new IllegalStateException("sessions lost: " + protocol.connectedCount() + " of " + sessions);
        }
        return (double) cpu / heartbeats;
    }

    private static String nonce(int i) {
        return String.format("%032x", 0x5eed0000L + i);
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }
}

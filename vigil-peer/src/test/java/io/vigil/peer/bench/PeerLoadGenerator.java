package io.vigil.peer.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.FrameType;
import io.vigil.peer.wire.WireFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many heartbeat clients in one JVM, speaking the wire format directly (no adapter per client), for the server load
 * benchmark. Clients are split over shards, one event loop each; a shard sends one tenth of its clients' heartbeats
 * every tenth of an interval, so the load is smooth. After the warm-up, it hangs one random client every
 * {@code hangEveryMs} (stops writing and reading) and at the end matches those hangs with the server's timeout log
 * to report the detection delay.
 *
 * <p>Args: host port clients intervalMs seconds shards hangEveryMs serverTimeoutLog
 */
public final class PeerLoadGenerator {

    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong RECEIVED = new AtomicLong();
    private static final AtomicLong CONNECTED = new AtomicLong();
    private static final AtomicLong FAILED = new AtomicLong();
    private static final Map<String, Long> HANGS = new ConcurrentHashMap<>();

    private PeerLoadGenerator() {
    }

    /** One shard of clients on one event loop. */
    private static final class Shard extends AbstractVerticle {
        private final String host;
        private final int port;
        private final int first;
        private final int count;
        private final long interval;
        private final List<Conn> conns = new ArrayList<>();
        private final FrameCodec codec = new FrameCodec(null);
        private int slot;

        Shard(String host, int port, int first, int count, long interval) {
            this.host = host;
            this.port = port;
            this.first = first;
            this.count = count;
            this.interval = interval;
        }

        private final class Conn {
            final String id;
            final String nonce;
            NetSocket socket;
            String serverNonce;
            long seq;
            boolean hung;

            Conn(String id) {
                this.id = id;
                this.nonce = Long.toHexString(ThreadLocalRandom.current().nextLong() | 1L << 62);
            }

            void send(FrameType type) {
                byte[] b = codec.encode(new Frame(type, id, ++seq, System.currentTimeMillis(), nonce, serverNonce,
                        null));
                socket.write(Buffer.buffer(b.length + 1).appendBytes(b).appendByte((byte) '\n'));
                SENT.incrementAndGet();
            }

            void onLine(Buffer line) {
                RECEIVED.incrementAndGet();
                if (serverNonce == null) {
                    byte[] b = line.getBytes();
                    try {
                        Frame f = codec.decode(b, b.length);
                        if (f.type() == FrameType.HELLO) {
                            serverNonce = f.nonce();
                            send(FrameType.HEARTBEAT);
                            CONNECTED.incrementAndGet();
                        }
                    } catch (WireFormatException e) {
                        System.err.println(id + ": " + e.getMessage());
                    }
                }
            }
        }

        @Override
        public void start(Promise<Void> started) {
            NetClient client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                    .setConnectTimeout(10_000));
            for (int i = 0; i < count; i++) {
                conns.add(new Conn("load-" + (first + i)));
            }
            connectNext(client, 0);
            long tick = Math.max(1, interval / 10);
            vertx.setPeriodic(tick, id -> {
                int s = slot++ % 10;
                for (int i = s; i < conns.size(); i += 10) {
                    Conn c = conns.get(i);
                    if (c.serverNonce != null && !c.hung && !c.socket.writeQueueFull()) {
                        c.send(FrameType.HEARTBEAT);
                    }
                }
            });
            started.complete();
        }

        /** Connects in waves of 200 so the server's accept backlog is not flooded. */
        private void connectNext(NetClient client, int from) {
            int to = Math.min(conns.size(), from + 200);
            int[] pending = {to - from};
            for (int i = from; i < to; i++) {
                Conn c = conns.get(i);
                client.connect(port, host).onComplete(ar -> {
                    if (ar.succeeded()) {
                        c.socket = ar.result();
                        c.socket.handler(RecordParser.newDelimited("\n", c::onLine));
                        c.send(FrameType.HELLO);
                    } else {
                        FAILED.incrementAndGet();
                    }
                    if (--pending[0] == 0 && to < conns.size()) {
                        connectNext(client, to);
                    }
                });
            }
        }

        void hangOnItsLoop() {
            context.runOnContext(v -> hangOne());
        }

        /** Hangs one random connected client: it stops writing and reading. */
        private void hangOne() {
            Conn c = conns.get(ThreadLocalRandom.current().nextInt(conns.size()));
            if (c.serverNonce != null && !c.hung) {
                c.hung = true;
                c.socket.pause();
                HANGS.put(c.id, System.currentTimeMillis());
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        long interval = Long.parseLong(args[3]);
        long seconds = Long.parseLong(args[4]);
        int shards = Integer.parseInt(args[5]);
        long hangEvery = Long.parseLong(args[6]);
        Path serverLog = Path.of(args[7]);

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(shards));
        List<Shard> list = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            int first = s * clients / shards;
            int count = (s + 1) * clients / shards - first;
            Shard shard = new Shard(host, port, first, count, interval);
            list.add(shard);
            vertx.deployVerticle(shard).await();
        }
        CpuMeter cpu = new CpuMeter();
        long warmup = Math.min(20, seconds / 3);
        long lastSent = 0;
        long lastReceived = 0;
        long start = System.currentTimeMillis();
        long nextHang = start + warmup * 1000;
        long nextReport = start + 5000;
        while (System.currentTimeMillis() - start < seconds * 1000) {
            long now = System.currentTimeMillis();
            if (hangEvery > 0 && now >= nextHang) {
                Shard shard = list.get(ThreadLocalRandom.current().nextInt(list.size()));
                shard.hangOnItsLoop();
                nextHang += hangEvery;
            }
            if (now >= nextReport) {
                long sent = SENT.get();
                long received = RECEIVED.get();
                System.out.printf("t=%3ds connected=%6d failed=%d sent/s=%8.0f received/s=%8.0f hung=%d cpu=%.2f cores%n",
                        (now - start) / 1000, CONNECTED.get(), FAILED.get(), (sent - lastSent) / 5.0,
                        (received - lastReceived) / 5.0, HANGS.size(), cpu.sample());
                lastSent = sent;
                lastReceived = received;
                nextReport += 5000;
            }
            Thread.sleep(5);
        }
        long windowEnd = System.currentTimeMillis();
        Thread.sleep(2000); // let the last hangs time out
        report(serverLog, start + warmup * 1000, windowEnd);
        vertx.close().await();
    }

    private static void report(Path serverLog, long windowStart, long windowEnd) throws Exception {
        // Match each hang with the first timeout of that client at or after the hang; any other timeout is spurious.
        Map<String, List<Long>> timeouts = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(serverLog)) {
            String[] parts = line.split(" ");
            timeouts.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Long.parseLong(parts[1]));
            total++;
        }
        List<Long> delays = new ArrayList<>();
        int missed = 0;
        for (var e : HANGS.entrySet()) {
            long hang = e.getValue();
            Long at = timeouts.getOrDefault(e.getKey(), List.of()).stream().filter(t -> t >= hang).min(Long::compare)
                    .orElse(null);
            if (at == null) {
                missed++;
            } else {
                delays.add(at - hang);
            }
        }
        delays.sort(null);
        long inWindow = timeouts.values().stream().flatMap(List::stream)
                .filter(t -> t >= windowStart && t <= windowEnd).count();
        long spuriousInWindow = inWindow - delays.size();
        System.out.printf("hangs=%d detected=%d missed=%d timeout events=%d (clients with any: %d); in the hang window"
                + " (%d s after warm-up, before shutdown): %d timeouts, %d spurious%n", HANGS.size(), delays.size(),
                missed, total, timeouts.size(), (windowEnd - windowStart) / 1000, inWindow, spuriousInWindow);
        if (!delays.isEmpty()) {
            System.out.printf("detection delay after hang ms: min=%d p50=%d p90=%d p99=%d max=%d%n", delays.getFirst(),
                    pct(delays, 50), pct(delays, 90), pct(delays, 99), delays.getLast());
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}

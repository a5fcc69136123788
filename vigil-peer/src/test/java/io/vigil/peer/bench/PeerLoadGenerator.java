package io.vigil.peer.bench;

import io.vigil.peer.bench.LoadShard.Count;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of the peer load benchmark (docs/benchmarks-peer.md, section 2): many TCP heartbeat clients in one
 * JVM, cheap enough to leave most of the machine to the server under test, and observable enough to tell who closed
 * what.
 *
 * <p>What it measures, together with {@link PeerBenchServer} in another JVM: whether one peer server sustains
 * {@code clients} heartbeat clients at {@code intervalMs} (the server prints its heartbeat events/s and CPU; this
 * prints what it sent and received and its own CPU), and the server's detection delay under that load: after a
 * warm-up (a third of the run, at most 20 s) it hangs one random connected client every {@code hangEveryMs} (stops
 * writing and reading on it, for good), and at the end matches each hang with the first timeout of that client at or
 * after the hang in the server's timeout log; it reports missed hangs, spurious timeouts in the hang window, and the
 * delay's p50/p90/p99/max.
 *
 * <p>How: plain {@code java.nio}, no adapter per client. The clients are split over {@code shards} {@link LoadShard}s,
 * one selector thread each; a shard sends one tenth of its clients a heartbeat every tenth of an interval, so the load
 * is smooth. Frames are written by hand ({@link LoadFrames}, the documented wire format version 1, unauthenticated)
 * into one reusable buffer per shard; after the server's hello, what the server sends is only counted by newline.
 * After the handshake a client's socket is not selected for reading: the send slots poll it about every 500 ms and
 * drain what queued up ({@link LoadShard}), so an answer costs no wakeup or read of its own.
 * Connections open in waves of {@code connectsInFlight} unfinished handshakes per shard (default
 * {@value LoadShard#CONNECTS_IN_FLIGHT}; 0 issues every connect at once, as a fleet reconnecting after a server
 * restart does). A partial write
 * is finished when the socket is writable again; until then that client's heartbeats are skipped and counted.
 *
 * <p>Every 5 s it prints: connected clients (and still opening), connect failures, frames sent/s and received/s,
 * closes it saw (the server's end of stream, read or write errors, or a server hello it rejected), back-pressure skips
 * (and connections with a pending remainder), connected clients that heard nothing from the server for 1 s or 3
 * intervals, whichever is longer ("silent"), hung clients, the largest lateness of a send slot, and its CPU in cores.
 * The first 10 closes are printed with the client id and reason. The generator never reconnects a closed client.
 *
 * <p>Cost: 0.13–0.17 cores per 1,000 clients at 100 ms on this project's 2-core machine (measured with 1,000 and
 * 5,000), ~90 % of it in the kernel: on loopback a write also runs the server's TCP receive path, and a read sends the
 * ACK. The JVM's own share is small; the rest does not shrink with a cheaper client, only with fewer packets.
 *
 * <p>At the end it prints the connect span: from the first connect issued to the last client whose handshake
 * completed (the server's hello read and answered), with the 50/90/99 % points, how long issuing the connects took,
 * and when the TCP connects completed (the kernel's part, before the server's event loop accepts and greets).
 *
 * <p>Args: {@code host port clients intervalMs seconds shards hangEveryMs serverTimeoutLog [connectsInFlight]}
 * ({@code hangEveryMs} 0: no hangs; {@code connectsInFlight} per shard, 0: no limit). The timeout log has one line per server timeout event, {@code "endpointId epochMillis"}. Client ids are
 * {@code load-0} … {@code load-(clients-1)}. Example: {@code 127.0.0.1 7320 10000 100 85 2 500 /tmp/timeouts.log}.
 */
public final class PeerLoadGenerator {

    private static final long REPORT_EVERY_MILLIS = 5000;
    /** After the run: time for the last hangs to time out before the server's log is read. */
    private static final long GRACE_MILLIS = 2000;

    private PeerLoadGenerator() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 8 && args.length != 9) {
            System.err.println("usage: PeerLoadGenerator host port clients intervalMs seconds shards hangEveryMs "
                    + "serverTimeoutLog [connectsInFlight]");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        long interval = Long.parseLong(args[3]);
        long seconds = Long.parseLong(args[4]);
        int shardCount = Integer.parseInt(args[5]);
        long hangEvery = Long.parseLong(args[6]);
        Path serverLog = Path.of(args[7]);
        int inFlight = args.length > 8 ? Integer.parseInt(args[8]) : LoadShard.CONNECTS_IN_FLIGHT;
        if (clients < 1 || interval < LoadShard.SLOTS || seconds < 1 || shardCount < 1 || hangEvery < 0
                || inFlight < 0) {
            System.err.println("need clients ≥ 1, intervalMs ≥ " + LoadShard.SLOTS + ", seconds ≥ 1, shards ≥ 1, "
                    + "hangEveryMs ≥ 0, connectsInFlight ≥ 0");
            System.exit(2);
        }

        InetSocketAddress server = new InetSocketAddress(host, port);
        Map<String, Long> hangs = new ConcurrentHashMap<>();
        List<LoadShard> shards = new ArrayList<>();
        for (int s = 0; s < shardCount; s++) {
            int first = (int) ((long) s * clients / shardCount);
            int count = (int) ((long) (s + 1) * clients / shardCount) - first;
            shards.add(new LoadShard(s, server, first, count, interval, hangs, inFlight));
        }
        System.out.printf("load generator: %d clients to %s, interval %d ms, %d s, %d shards, one hang every %d ms"
                + " after %d s, connects in flight per shard %s%n", clients, server, interval, seconds, shardCount,
                hangEvery, warmupSeconds(seconds), inFlight == 0 ? "unlimited" : inFlight);

        CpuMeter cpu = new CpuMeter();
        long start = System.currentTimeMillis();
        shards.forEach(LoadShard::start);
        long windowStart = start + warmupSeconds(seconds) * 1000;
        long end = start + seconds * 1000;
        long nextHang = windowStart;
        long nextReport = start + REPORT_EVERY_MILLIS;
        Totals last = Totals.of(shards);
        long lastAt = start;
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= end) {
                break;
            }
            if (hangEvery > 0 && now >= nextHang) {
                shards.get(ThreadLocalRandom.current().nextInt(shards.size())).requestHang();
                nextHang += hangEvery;
            }
            if (now >= nextReport) {
                Totals t = Totals.of(shards);
                printProgress(now - start, t, last, now - lastAt, cpu.sample(), shards);
                last = t;
                lastAt = now;
                nextReport += REPORT_EVERY_MILLIS;
            }
            long wake = Math.min(end, Math.min(nextReport, hangEvery > 0 ? nextHang : Long.MAX_VALUE));
            Thread.sleep(Math.max(1, wake - System.currentTimeMillis()));
        }
        long windowEnd = System.currentTimeMillis();
        Thread.sleep(GRACE_MILLIS); // the clients keep beating while the last hangs time out
        Totals t = Totals.of(shards);
        System.out.printf("generator: connected at the end %d of %d, connect failures %d, frames sent %d, received %d,"
                + " closes %d (server end of stream %d, read error %d, write error %d, bad server hello %d),"
                + " back-pressure skips %d, hung %d (hang requests that found no client: %d), send slots dropped %d%n",
                t.get(Count.CONNECTED), clients, t.get(Count.CONNECT_FAILED), t.get(Count.SENT),
                t.get(Count.RECEIVED), t.closes(), t.get(Count.CLOSED_EOF), t.get(Count.CLOSED_READ_ERROR),
                t.get(Count.CLOSED_WRITE_ERROR), t.get(Count.CLOSED_BAD_HELLO), t.get(Count.BACK_PRESSURE_SKIPS),
                t.get(Count.HUNG), t.get(Count.HANG_MISSES), t.get(Count.SLOTS_DROPPED));
        report(serverLog, hangs, windowStart, windowEnd);
        for (LoadShard shard : shards) {
            shard.stop();
        }
        printConnectSpan(shards, clients);
        if (shards.stream().anyMatch(s -> s.died() != null)) {
            System.out.println("A SHARD DIED: the figures above are not valid");
            System.exit(1);
        }
    }

    /**
     * One line: from the first connect issued to the last completed handshake, over all shards. Reads the shards'
     * connections, so only after they stopped.
     */
    static void printConnectSpan(List<LoadShard> shards, int clients) {
        List<long[]> times = new ArrayList<>();
        for (LoadShard shard : shards) {
            times.addAll(List.of(shard.connectTimes()));
        }
        if (times.isEmpty()) {
            System.out.println("connect span: no connect issued");
            return;
        }
        long first = times.stream().mapToLong(t -> t[0]).min().orElseThrow();
        long lastIssued = times.stream().mapToLong(t -> t[0]).max().orElseThrow();
        List<Long> tcp = new ArrayList<>();
        List<Long> done = new ArrayList<>();
        for (long[] t : times) {
            if (t[1] != 0) {
                tcp.add((t[1] - first) / 1_000_000);
            }
            if (t[2] != 0) {
                done.add((t[2] - first) / 1_000_000);
            }
        }
        tcp.sort(null);
        done.sort(null);
        System.out.printf("connect span: %d of %d clients handshaken, the last %s ms after the first connect (50 %% at %s,"
                        + " 90 %% at %s, 99 %% at %s ms); connects issued over %d ms;"
                        + " TCP connects complete at 50 %% %s, 90 %% %s, 99 %% %s, all %s ms%n", done.size(), clients,
                done.size() == clients ? String.valueOf(done.getLast()) : "(not all; last so far "
                        + (done.isEmpty() ? "-" : done.getLast()) + ")",
                at(done, clients, 50), at(done, clients, 90), at(done, clients, 99), (lastIssued - first) / 1_000_000,
                at(tcp, clients, 50), at(tcp, clients, 90), at(tcp, clients, 99), at(tcp, clients, 100));
    }

    /** The time by which p % of all {@code clients} were handshaken, or "-" if fewer ever were. */
    private static String at(List<Long> sorted, int clients, int p) {
        int k = (int) Math.ceil(p / 100.0 * clients);
        return k <= sorted.size() ? String.valueOf(sorted.get(Math.max(0, k - 1))) : "-";
    }

    private static long warmupSeconds(long seconds) {
        return Math.min(20, seconds / 3);
    }

    private static void printProgress(long elapsed, Totals t, Totals last, long millis, double cores,
                                      List<LoadShard> shards) {
        double perSecond = 1000.0 / Math.max(1, millis);
        long maxLag = 0;
        for (LoadShard shard : shards) {
            maxLag = Math.max(maxLag, shard.counts().getAndSet(Count.MAX_LAG_MS.ordinal(), 0));
        }
        System.out.printf("t=%3ds connected=%6d opening=%d connectFailed=%d sent/s=%7.0f received/s=%7.0f"
                        + " closes=%d (eof %d, read %d, write %d, hello %d) bpSkips/s=%.0f pending=%d silent=%d"
                        + " hung=%d slotLagMax=%dms cpu=%.2f cores%s%n",
                elapsed / 1000, t.get(Count.CONNECTED), t.get(Count.OPENING), t.get(Count.CONNECT_FAILED),
                (t.get(Count.SENT) - last.get(Count.SENT)) * perSecond,
                (t.get(Count.RECEIVED) - last.get(Count.RECEIVED)) * perSecond, t.closes(),
                t.get(Count.CLOSED_EOF), t.get(Count.CLOSED_READ_ERROR), t.get(Count.CLOSED_WRITE_ERROR),
                t.get(Count.CLOSED_BAD_HELLO),
                (t.get(Count.BACK_PRESSURE_SKIPS) - last.get(Count.BACK_PRESSURE_SKIPS)) * perSecond,
                t.get(Count.PENDING), t.get(Count.SILENT), t.get(Count.HUNG), maxLag, cores,
                shards.stream().anyMatch(s -> s.died() != null) ? " A SHARD DIED" : "");
    }

    /** The shards' counters added up at one moment. */
    private static final class Totals {
        private final long[] values;

        private Totals(long[] values) {
            this.values = values;
        }

        static Totals of(List<LoadShard> shards) {
            long[] v = new long[Count.values().length];
            for (LoadShard shard : shards) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += shard.counts().get(i);
                }
            }
            return new Totals(v);
        }

        long get(Count c) {
            return values[c.ordinal()];
        }

        long closes() {
            return get(Count.CLOSED_EOF) + get(Count.CLOSED_READ_ERROR) + get(Count.CLOSED_WRITE_ERROR)
                    + get(Count.CLOSED_BAD_HELLO);
        }
    }

    /**
     * Matches each hang with the first timeout of that client at or after the hang; a hang without one is missed.
     * Every other timeout in the hang window (warm-up end to run end) is spurious.
     */
    static void report(Path serverLog, Map<String, Long> hangs, long windowStart, long windowEnd) throws Exception {
        Map<String, List<Long>> timeouts = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(serverLog)) {
            String[] parts = line.trim().split(" ");
            if (parts.length != 2) {
                continue;
            }
            timeouts.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Long.parseLong(parts[1]));
            total++;
        }
        List<Long> delays = new ArrayList<>();
        int missed = 0;
        long matchedInWindow = 0;
        for (var e : hangs.entrySet()) {
            long hang = e.getValue();
            Long at = timeouts.getOrDefault(e.getKey(), List.of()).stream().filter(t -> t >= hang)
                    .min(Long::compare).orElse(null);
            if (at == null) {
                missed++;
            } else {
                delays.add(at - hang);
                if (at >= windowStart && at <= windowEnd) {
                    matchedInWindow++;
                }
            }
        }
        delays.sort(null);
        long inWindow = timeouts.values().stream().flatMap(List::stream)
                .filter(t -> t >= windowStart && t <= windowEnd).count();
        System.out.printf("hangs=%d detected=%d missed=%d timeout events=%d (clients with any: %d); in the hang window"
                        + " (%d s after warm-up, before shutdown): %d timeouts, %d spurious%n", hangs.size(),
                delays.size(), missed, total, timeouts.size(), (windowEnd - windowStart) / 1000, inWindow,
                inWindow - matchedInWindow);
        if (!delays.isEmpty()) {
            System.out.printf("detection delay after hang ms: min=%d p50=%d p90=%d p99=%d max=%d%n", delays.getFirst(),
                    pct(delays, 50), pct(delays, 90), pct(delays, 99), delays.getLast());
        }
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}

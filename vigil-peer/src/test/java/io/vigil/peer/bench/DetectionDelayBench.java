package io.vigil.peer.bench;

import io.vertx.core.Vertx;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventName;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Timeout detection delay after a hang, in one JVM: a server and {@code clients} clients; one client at a time is
 * hung (suspended: stops writing and reading) and the time from the hang to the server's {@code timeout} event is
 * recorded; then it is resumed and the next one hangs. Args: intervalMs timeoutMs clients trials
 */
public final class DetectionDelayBench {

    private DetectionDelayBench() {
    }

    public static void main(String[] args) throws Exception {
        long interval = Long.parseLong(args[0]);
        long timeout = Long.parseLong(args[1]);
        int clients = Integer.parseInt(args[2]);
        int trials = Integer.parseInt(args[3]);
        Vertx vertx = Vertx.vertx();
        Map<String, Long> timedOutAt = new ConcurrentHashMap<>();
        PeerHeartbeat server = PeerHeartbeat.create(vertx, PeerProperties.builder().port(0).hostname("127.0.0.1")
                .heartbeatIntervalMillis(interval).heartbeatTimeoutMillis(timeout).build(), Clock.systemUTC());
        server.subscribe(e -> {
            if (e.eventName() == EventName.TIMEOUT) {
                timedOutAt.putIfAbsent(e.endpointId(), e.receivedTimestamp());
            }
        });
        server.command(Command.of(CommandName.START_SERVER)).join();
        List<PeerHeartbeat> list = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            PeerHeartbeat c = PeerHeartbeat.create(vertx, PeerProperties.builder().port(server.localPort())
                    .hostname("127.0.0.1").endpointId("c" + i).heartbeatIntervalMillis(interval)
                    .heartbeatTimeoutMillis(timeout).build(), Clock.systemUTC());
            c.command(Command.of(CommandName.START_CLIENT)).join();
            list.add(c);
        }
        Thread.sleep(3 * (interval + timeout)); // settle
        CpuMeter cpu = new CpuMeter();
        List<Long> delays = new ArrayList<>();
        for (int t = 0; t < trials; t++) {
            int i = t % clients;
            String id = "c" + i;
            timedOutAt.remove(id);
            // Hang at a random phase of the client's send cycle.
            Thread.sleep((long) (Math.random() * interval));
            long hungAt = System.currentTimeMillis();
            list.get(i).command(Command.of(CommandName.SUSPEND)).join();
            long deadline = hungAt + 10 * (interval + timeout);
            while (!timedOutAt.containsKey(id) && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            Long at = timedOutAt.get(id);
            if (at != null) {
                delays.add(at - hungAt);
            }
            list.get(i).command(Command.of(CommandName.RESUME)).join();
        }
        double cores = cpu.sample();
        delays.sort(null);
        long goal = interval + timeout + 50;
        long within = delays.stream().filter(d -> d <= goal).count();
        System.out.printf("interval=%d timeout=%d clients=%d trials=%d detected=%d cpu=%.2f cores%n", interval,
                timeout, clients, trials, delays.size(), cores);
        System.out.printf("delay ms: min=%d p50=%d p90=%d p99=%d max=%d; goal %d ms met by %.1f%%%n",
                delays.getFirst(), pct(delays, 50), pct(delays, 90), pct(delays, 99), delays.getLast(), goal,
                100.0 * within / delays.size());
        list.forEach(PeerHeartbeat::close);
        server.close();
        vertx.close().await();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}

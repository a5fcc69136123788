package io.vigil.peer.bench;

import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventName;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerProperties;
import java.io.FileWriter;
import java.io.PrintWriter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server half of the peer load benchmark, in its own JVM (see docs/benchmarks-peer.md).
 * Args: port intervalMs timeoutMs seconds timeoutLogFile [eventLoops]. Prints one line per 5 s: connected peers, heartbeat
 * events/s, CPU cores used; appends every timeout event as "endpointId receivedTimestamp" to the log file.
 */
public final class PeerBenchServer {

    private PeerBenchServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long interval = Long.parseLong(args[1]);
        long timeout = Long.parseLong(args[2]);
        long seconds = Long.parseLong(args[3]);
        int loops = args.length > 5 ? Integer.parseInt(args[5]) : PeerProperties.DEFAULT_SERVER_EVENT_LOOPS;
        AtomicLong connected = new AtomicLong();
        AtomicLong heartbeats = new AtomicLong();
        // Timeouts are queued by the listener and written by a separate thread: a listener must not block (it would
        // hold up every event loop of the server, and a burst of timeouts would cause more of them).
        ConcurrentLinkedQueue<String> timeoutLines = new ConcurrentLinkedQueue<>();
        PrintWriter timeouts = new PrintWriter(new FileWriter(args[4]), false);
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        Runnable drain = () -> {
            synchronized (timeouts) {
                for (String line; (line = timeoutLines.poll()) != null; ) {
                    timeouts.println(line);
                }
                timeouts.flush();
            }
        };
        try (PeerHeartbeat server = PeerHeartbeat.create(PeerProperties.builder().port(port).hostname("127.0.0.1")
                     .heartbeatIntervalMillis(interval).heartbeatTimeoutMillis(timeout).serverEventLoops(loops)
                     .build())) {
            AtomicLong errors = new AtomicLong();
            server.subscribe(new io.vigil.peer.PeerListener() {
                @Override
                public void onEvent(PeerEvent e) {
                    count(e);
                }

                @Override
                public void onError(io.vigil.peer.PeerError e) {
                    if (errors.incrementAndGet() <= 5) {
                        System.out.println("error " + e.kind() + ": " + e.message());
                    }
                }

                private void count(PeerEvent e) {
                switch (e.eventName()) {
                    case HEARTBEAT -> heartbeats.incrementAndGet();
                    case CONNECTED -> connected.incrementAndGet();
                    case DISCONNECTED -> connected.decrementAndGet();
                    case TIMEOUT -> timeoutLines.add(e.endpointId() + " " + e.receivedTimestamp());
                    default -> {
                    }
                }
                }
            });
            writer.scheduleWithFixedDelay(drain, 200, 200, TimeUnit.MILLISECONDS);
            server.command(Command.of(CommandName.START_SERVER)).join();
            System.out.println("server ready on " + port);
            CpuMeter cpu = new CpuMeter();
            long lastBeats = 0;
            for (long t = 0; t < seconds; t += 5) {
                Thread.sleep(5000);
                long beats = heartbeats.get();
                System.out.printf("t=%3ds connected=%6d heartbeats/s=%8.0f errors=%d cpu=%.2f cores%n", t + 5,
                        connected.get(), (beats - lastBeats) / 5.0, errors.get(), cpu.sample());
                lastBeats = beats;
            }
        }
        writer.shutdownNow();
        drain.run(); // the stop events of the last sessions
        timeouts.close();
        System.out.println("event " + EventName.HEARTBEAT.jsonName() + " total " + heartbeats.get());
    }
}

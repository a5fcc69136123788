package io.vigil.bench.engine;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.engine.EngineListener;
import io.vigil.engine.EngineRunner;
import io.vigil.ingest.Channel;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * ONSET lag of the real detector: an {@link Engine} on the system clock, ticked by the real {@link EngineRunner}
 * (2 ms period), with N sources that each send one heartbeat and then go silent.
 *
 * <p>Each source's lastSeen is set exactly through the event time base ({@code lastEpochMicrosec} in the past), so its
 * deadline ({@code lastSeen + threshold}) is known. Two shapes:
 * <ul>
 *   <li>{@code staggered}: deadlines spread evenly over {@code spreadSeconds} (a fleet dying bit by bit, or a
 *       fleet's normal per-source phase);</li>
 *   <li>{@code storm}: every deadline in the same millisecond (the whole fleet's network cut at once).</li>
 * </ul>
 * Three lags per ONSET: <b>decided</b> = {@code event.atMillis − deadline} (the time of the tick that decided it: in
 * a storm every event of the tick carries the tick's start), <b>handed</b> = when the engine handed it to its
 * listener − deadline (the decision is complete: the honest figure for "decided within"), and <b>at the sink</b> =
 * when a consumer thread took it from the listener's queue − deadline (one {@link LinkedBlockingQueue} element per
 * hand-over list, as the engine hands them over). All in ms, system clock.
 *
 * <p>{@code java -Xmx2g -cp vigil-bench.jar io.vigil.bench.engine.OnsetLag <sources> <staggered|storm> [spreadSeconds]}
 */
public final class OnsetLag {
    private OnsetLag() {
    }

    /** One hand-over of the engine to its listener, and when it happened. */
    private record Decided(List<ChangeEvent> events, long handedAtMillis) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String shape = args.length > 1 ? args[1] : "staggered";
        long spreadMillis = (args.length > 2 ? Long.parseLong(args[2]) : 20) * 1000;
        if (!shape.equals("staggered") && !shape.equals("storm")) throw new IllegalArgumentException("shape: staggered | storm");

        // threshold long enough that every heartbeat is in (and every ALIVE handled) before the first deadline
        long setupMillis = 5_000 + n / 100; // 1M sources: 15 s
        long thresholdMillis = setupMillis + (shape.equals("storm") ? 0 : spreadMillis);
        Monitor monitor = new Monitor(BenchMonitors.EVENT_NAME, Duration.ofMillis(thresholdMillis), 1, TimeBase.EVENT,
                ClosedLoop.NONE);

        LinkedBlockingQueue<Decided> queue = new LinkedBlockingQueue<>();
        EngineListener handOff = new EngineListener() {
            @Override
            public void onChange(ChangeEvent event) {
                onChanges(List.of(event));
            }

            @Override
            public void onChanges(List<ChangeEvent> events) { // what the journal gets: one list per hand-over
                queue.add(new Decided(List.copyOf(events), System.currentTimeMillis()));
            }
        };
        Engine engine = new Engine(Clock.systemUTC(), handOff, -1);
        engine.configure(List.of(monitor));
        String[] names = BenchMonitors.sourceNames(n);
        long[] deadline = new long[n];

        LagStats decided = new LagStats(n), handed = new LagStats(n), atSink = new LagStats(n);
        int[] alive = {0};
        Thread consumer = Thread.ofPlatform().name("sink-consumer").start(() -> {
            try {
                int onsets = 0;
                while (onsets < n) {
                    Decided batch = queue.take();
                    long took = System.currentTimeMillis();
                    for (ChangeEvent e : batch.events()) {
                        if (e.kind() != io.vigil.engine.ChangeKind.ONSET) {
                            alive[0]++;
                            continue;
                        }
                        int i = Integer.parseInt(e.source().sourceName(), 4, e.source().sourceName().length(), 10);
                        decided.add(e.atMillis() - deadline[i]);
                        handed.add(batch.handedAtMillis() - deadline[i]);
                        atSink.add(took - deadline[i]);
                        onsets++;
                    }
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });

        EngineRunner runner = new EngineRunner(engine).start();
        long start = System.currentTimeMillis();
        // lastSeen_i in the past (≤ now, so never clamped); deadline_i = lastSeen_i + threshold, all after setup
        long firstSeen = start - (shape.equals("storm") ? 0 : spreadMillis);
        for (int i = 0; i < n; i++) {
            long seen = shape.equals("storm") ? firstSeen : firstSeen + i * spreadMillis / n;
            deadline[i] = seen + thresholdMillis;
            engine.accept(new Heartbeat(BenchMonitors.EVENT_NAME, names[i], seen), Channel.HTTP); // eventTimeMillis: already in ms
        }
        long acceptedAt = System.currentTimeMillis();
        long firstDeadline = firstSeen + thresholdMillis;
        System.out.printf("sources=%d shape=%s threshold=%d ms; accepted all in %d ms; first deadline in %d ms%n",
                n, shape, thresholdMillis, acceptedAt - start, firstDeadline - acceptedAt);
        if (acceptedAt >= firstDeadline) System.out.println("WARNING: setup overran the first deadline; lags are not valid");
        // the detector thread's CPU time from just before the first deadline to the last ONSET: what the ONSETs cost,
        // whatever share of a core the thread got (on a loaded machine the lags above follow that share)
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long detectorId = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("vigil-detector"))
                .findFirst().orElseThrow().threadId();
        long untilFirst = firstDeadline - 200 - System.currentTimeMillis();
        if (untilFirst > 0) Thread.sleep(untilFirst);
        long cpuBefore = threads.getThreadCpuTime(detectorId);
        consumer.join(TimeUnit.MINUTES.toMillis(5));
        long cpuNanos = threads.getThreadCpuTime(detectorId) - cpuBefore;
        System.out.printf("detector CPU from 200 ms before the first deadline to the last ONSET: %d ms (%d ns per ONSET)%n",
                cpuNanos / 1_000_000, cpuNanos / n);
        long lastDeadline = deadline[n - 1];
        System.out.printf("all ONSETs at the sink %d ms after the last deadline (alive events seen: %d)%n",
                System.currentTimeMillis() - lastDeadline, alive[0]);
        System.out.println("decided: " + decided.summary() + "   (the tick's time, ChangeEvent.atMillis)");
        System.out.println("handed:  " + handed.summary() + "   (when the engine handed the event to its listener)");
        System.out.println("at sink: " + atSink.summary());
        runner.close();
    }
}

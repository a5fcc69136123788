package io.vigil.bench.trace;

import io.vigil.engine.ChangeEvent;
import io.vigil.engine.Engine;
import io.vigil.ingest.Channel;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TimeBase;
import io.vigil.time.ManualClock;
import io.vigil.ves.Heartbeat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays a {@link Trace} through Vigil's real {@link Engine} with a {@link ManualClock}: every heartbeat is handed
 * to {@link Engine#accept} at its arrival time, and the engine ticks at every arrival and at least every
 * {@value #TICK_MILLIS} ms of trace time in between (its wheel's resolution), so ONSETs are decided within a few
 * milliseconds of when a live server would decide them. No sleeping: hours of trace replay in about a second. With
 * {@code timeBase: event} each heartbeat carries its sender's clock, as VES's {@code lastEpochMicrosec}.
 */
public final class Replay {
    static final long TICK_MILLIS = 4;
    private static final String EVENT = "Heartbeat_trace";
    private static final long BASE = 1_000_000_000_000L;

    private Replay() {
    }

    /** The result of one replay: QoS figures and how fast it ran. */
    public record Result(Qos qos, long heartbeats, long wallNanos) {
        public double heartbeatsPerSecond() {
            return heartbeats / (wallNanos / 1e9);
        }
    }

    /**
     * Replays {@code trace} through a monitor with {@code monitorTemplate}'s interval, missed count and detection
     * rules, and the trace's time base.
     */
    public static Result run(Trace trace, Monitor monitorTemplate) {
        TimeBase timeBase = trace.fleet().timeBase();
        Monitor monitor = new Monitor(EVENT, monitorTemplate.heartbeatInterval(), monitorTemplate.missedHeartbeats(),
                timeBase, null, monitorTemplate.detection());
        int sources = trace.arrivals().length;
        String[] names = new String[sources];
        for (int i = 0; i < sources; i++) names[i] = "s" + i;
        List<List<long[]>> suspicions = new ArrayList<>(); // per source: {onset, abated or -1}
        for (int i = 0; i < sources; i++) suspicions.add(new ArrayList<>());

        // trace time t is engine time BASE + t: sender clocks behind by a few seconds must still give positive times
        ManualClock clock = new ManualClock(BASE);
        Engine engine = new Engine(clock, e -> record(e, suspicions), -1);
        engine.configure(List.of(monitor));
        engine.tick();

        long[] merged = trace.merged();
        int[] cursor = new int[sources];
        long start = System.nanoTime();
        long now = 0;
        Heartbeat[] cache = new Heartbeat[sources];
        for (long m : merged) {
            long at = m >>> 20;
            int src = (int) (m & 0xFFFFF);
            while (now + TICK_MILLIS < at) { // let deadlines fire between arrivals
                now += TICK_MILLIS;
                clock.set(BASE + now);
                engine.tick();
            }
            if (at > now) {
                now = at;
                clock.set(BASE + now);
                engine.tick();
            }
            Heartbeat hb;
            if (timeBase == TimeBase.EVENT) {
                hb = new Heartbeat(EVENT, names[src], BASE + trace.eventTimes()[src][cursor[src]++]);
            } else {
                hb = cache[src];
                if (hb == null) hb = cache[src] = new Heartbeat(EVENT, names[src], 0);
            }
            engine.accept(hb, Channel.HTTP);
        }
        long beats = merged.length;
        for (; now < trace.durationMillis(); now += TICK_MILLIS) {
            clock.set(BASE + now);
            engine.tick();
        }
        long wall = System.nanoTime() - start;
        return new Result(qos(trace, suspicions), beats, wall);
    }

    private static void record(ChangeEvent e, List<List<long[]>> suspicions) {
        int s = Integer.parseInt(e.source().sourceName().substring(1));
        List<long[]> list = suspicions.get(s);
        long at = e.atMillis() - BASE;
        if (ChangeEvent.ONSET.equals(e.kind()) && e.published()) list.add(new long[] {at, -1});
        else if (ChangeEvent.ABATED.equals(e.kind()) && !list.isEmpty() && list.getLast()[1] < 0) list.getLast()[1] = at;
    }

    /** Classifies every suspicion as a detection (it started during a crash) or a mistake, and sums up. */
    static Qos qos(Trace trace, List<List<long[]>> suspicions) {
        int sources = trace.arrivals().length;
        List<List<long[]>> crashesBySource = new ArrayList<>();
        for (int i = 0; i < sources; i++) crashesBySource.add(new ArrayList<>());
        for (long[] c : trace.crashes()) crashesBySource.get((int) c[0]).add(new long[] {c[1], c[2]});
        List<Long> detectionTimes = new ArrayList<>();
        int undetected = 0, mistakes = 0;
        double mistakeTime = 0, uptime = 0;
        long end = trace.durationMillis();
        for (int s = 0; s < sources; s++) {
            List<long[]> crashes = crashesBySource.get(s);
            List<long[]> susp = suspicions.get(s);
            long down = 0;
            for (long[] c : crashes) down += Math.min(c[1], end) - Math.min(c[0], end);
            uptime += end - down;
            for (long[] c : crashes) {
                if (c[0] >= end) continue;
                long detected = -1;
                for (long[] sp : susp) {
                    long spEnd = sp[1] < 0 ? Long.MAX_VALUE : sp[1];
                    if (sp[0] <= c[0] && spEnd > c[0]) { detected = c[0]; break; } // already suspected
                    if (sp[0] >= c[0] && sp[0] < c[1]) { detected = sp[0]; break; }
                }
                if (detected >= 0) detectionTimes.add(detected - c[0]);
                else if (c[1] <= end) undetected++;
            }
            for (long[] sp : susp) {
                boolean inCrash = false;
                long mistakeEnd = sp[1] < 0 ? end : sp[1];
                for (long[] c : crashes) {
                    if (sp[0] >= c[0] && sp[0] < c[1]) inCrash = true;
                    if (!inCrash && c[0] > sp[0] && c[0] < mistakeEnd) mistakeEnd = c[0]; // a real crash took over
                }
                if (inCrash) continue;
                mistakes++;
                mistakeTime += mistakeEnd - sp[0];
            }
        }
        long[] td = detectionTimes.stream().mapToLong(Long::longValue).sorted().toArray();
        double mean = Arrays.stream(td).average().orElse(Double.NaN);
        double p99 = td.length == 0 ? Double.NaN : td[Math.min(td.length - 1, (int) Math.ceil(td.length * 0.99) - 1)];
        double hours = uptime / 3_600_000.0;
        return new Qos(td.length, undetected, mean, p99, mistakes, mistakes / hours,
                mistakes == 0 ? Double.POSITIVE_INFINITY : uptime / mistakes,
                mistakes == 0 ? 0 : mistakeTime / mistakes, 1 - mistakeTime / uptime);
    }
}

package io.vigil.liveness;

import io.vigil.engine.Engine;
import io.vigil.ingest.BlindSpell;
import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Vigil can hear, per ingest channel: the watermark, its lag, whether the channel is blind, and how many sources
 * wait for it ({@code /api/v1/status}, {@code /metrics}). A thread of its own ({@code vigil-ingest-watch}, every
 * 100 ms) logs one WARN when a channel goes blind and one when it hears again, naming the channel, its stalled parts
 * and what to check.
 *
 * <p>A part that flaps (an overloaded machine: the event loops miss their tick every few seconds) does not flood the
 * log: for {@value #FLAP_WINDOW_MILLIS} ms after a logged recovery, further short blind spells of that part are
 * counted, not logged, and one WARN sums them up when the window ends (how many, the longest, the total). A spell that
 * lasts longer than {@value #LONG_SPELL_MILLIS} ms is logged when it passes that length even inside the window.
 *
 * <p>A part is blind while its watermark lags by more than its blindAfter; a part that has never advanced yet (a
 * Kafka group still joining) gets at least {@value #STARTUP_ALLOWANCE_MILLIS} ms from its registration.
 */
public final class IngestWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestWatch.class);
    static final long STARTUP_ALLOWANCE_MILLIS = 10_000;
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** After a logged recovery, blind spells of the same part are summed up in one line per this window. */
    static final long FLAP_WINDOW_MILLIS = 60_000;
    /** A spell inside the flap window that lasts this long is logged on its own after all. */
    static final long LONG_SPELL_MILLIS = 10_000;

    /** One part of a channel (the HTTP event loops, a DMaaP poll loop, a Kafka consumer), with its last blind spells. */
    public record PartSight(String name, long watermarkMillis, long lagMillis, boolean blind, List<BlindSpell> spells) {
    }

    /**
     * One channel: its watermark is the oldest of its parts'; {@code heldSources} are past their deadline and wait
     * for it.
     */
    public record ChannelSight(Channel channel, long watermarkMillis, long lagMillis, boolean blind, int heldSources,
                               List<PartSight> parts) {
    }

    private final Watermarks watermarks;
    private final Supplier<Engine> engine;
    private final Thread thread;
    private final Set<String> blindParts = new HashSet<>();
    /** The newest blind spell seen per part, so that a spell that began and ended between two checks is logged too. */
    private final Map<String, BlindSpell> lastSpell = new HashMap<>();
    /** Per part: the flap window after its last logged recovery and the spells counted in it. */
    private final Map<String, Flaps> flaps = new HashMap<>();
    private volatile boolean running = true;

    public IngestWatch(Watermarks watermarks, Supplier<Engine> engine) {
        this.watermarks = watermarks;
        this.engine = engine;
        this.thread = Thread.ofPlatform().name("vigil-ingest-watch").daemon(true).unstarted(this::loop);
    }

    public IngestWatch start() {
        thread.start();
        return this;
    }

    /** Channels that have at least one watermark part, in {@link Channel} order. */
    public List<ChannelSight> channels() {
        long now = watermarks.clock().millis();
        List<Watermark> parts = watermarks.parts();
        Engine e = engine.get();
        List<ChannelSight> out = new ArrayList<>();
        for (Channel ch : Channel.values()) {
            List<PartSight> ps = new ArrayList<>();
            long w = Long.MAX_VALUE;
            boolean blind = false;
            for (Watermark p : parts) {
                if (p.channel() != ch) continue;
                boolean b = isBlind(p, now);
                ps.add(new PartSight(p.name(), p.millis(), p.lagMillis(now), b, p.spells()));
                w = Math.min(w, p.millis());
                blind |= b;
            }
            if (ps.isEmpty()) continue;
            out.add(new ChannelSight(ch, w, Math.max(0, now - w), blind, e.blindHeld(ch), List.copyOf(ps)));
        }
        return out;
    }

    /** The lag of {@code channel}'s watermark in seconds, or NaN when it has no watermark part. */
    public double lagSeconds(Channel channel) {
        long now = watermarks.clock().millis();
        long w = watermarks.of(channel);
        return w == Long.MAX_VALUE ? Double.NaN : Math.max(0, now - w) / 1000.0;
    }

    /** True while a watermark part of {@code channel} is blind. */
    public boolean isBlind(Channel channel) {
        long now = watermarks.clock().millis();
        for (Watermark p : watermarks.parts()) {
            if (p.channel() == channel && isBlind(p, now)) return true;
        }
        return false;
    }

    static boolean isBlind(Watermark p, long now) {
        if (p.hasAdvanced()) return p.isBlind(now);
        return now - p.millis() > Math.max(p.blindAfterMillis(), STARTUP_ALLOWANCE_MILLIS);
    }

    private void loop() {
        while (running) {
            try {
                check();
            } catch (RuntimeException e) {
                log.warn("ingest watch check failed (only the blind/recovered log lines are affected): {}", e.toString());
            }
            LockSupport.parkNanos(CHECK_NANOS);
        }
    }

    /**
     * Logs the blind / hears-again transitions of every part, and a blind spell that began and ended between two
     * checks (a stopped process: the probes run again before this thread does); inside a part's flap window, counts
     * them instead and logs one summary when the window ends.
     */
    void check() {
        long now = watermarks.clock().millis();
        Set<String> seen = new HashSet<>();
        for (Watermark p : watermarks.parts()) {
            seen.add(p.name());
            boolean blind = isBlind(p, now);
            List<BlindSpell> spells = p.spells();
            BlindSpell newest = spells.isEmpty() ? null : spells.getLast();
            boolean known = lastSpell.containsKey(p.name());
            BlindSpell before = lastSpell.put(p.name(), newest);
            Flaps f = flaps.computeIfAbsent(p.name(), k -> new Flaps());
            String channel = p.channel().name().toLowerCase();
            if (blind && blindParts.add(p.name())) {
                f.blindSince = now - p.lagMillis(now);
                f.quietBlind = now < f.windowEnd;
                if (!f.quietBlind) logBlind(p, channel, now);
            } else if (blind && f.quietBlind && p.lagMillis(now) >= LONG_SPELL_MILLIS) {
                f.quietBlind = false; // not a flap: an outage, logged on its own (and its recovery too)
                logBlind(p, channel, now);
            } else if (!blind && blindParts.remove(p.name())) {
                long length = newest != null && !newest.equals(before) ? newest.lengthMillis() : now - f.blindSince;
                if (f.quietBlind) {
                    f.count(length);
                } else {
                    log.warn("Ingest channel {} hears again: {} is {} ms behind; held sources are judged on what arrived, "
                            + "with the blind time not counted as silence", channel, p.name(), p.lagMillis(now));
                    f.open(now);
                }
                f.quietBlind = false;
            } else if (!blind && known && newest != null && !newest.equals(before)) {
                if (now < f.windowEnd) {
                    f.count(newest.lengthMillis());
                } else {
                    log.warn("Ingest channel {} was blind for {} ms ({} proved nothing, e.g. Vigil itself was paused) and hears "
                            + "again; that time does not count as silence of its sources; {}", channel, newest.lengthMillis(),
                            p.name(), whatToCheck(p.channel()));
                    f.open(now);
                }
            }
            if (now >= f.windowEnd && f.spells > 0) {
                log.warn("Ingest channel {} went blind again {} in the last {} s ({} proved nothing for {} ms at most, "
                        + "{} ms in all; that time did not count as silence of its sources); {}", channel,
                        f.spells == 1 ? "once" : f.spells + " times",
                        (now - f.windowStart + 500) / 1000, p.name(), f.longest, f.total, whatToCheck(p.channel()));
                f.open(now); // still flapping: the next minute is summed up too
            }
        }
        blindParts.retainAll(seen);
        lastSpell.keySet().retainAll(seen);
        flaps.keySet().retainAll(seen);
    }

    private void logBlind(Watermark p, String channel, long now) {
        log.warn("Ingest channel {} is blind: {} has proven nothing for {} ms. Sources heard through it are held "
                + "(no ONSET) until it hears again; {}", channel, p.name(), p.lagMillis(now), whatToCheck(p.channel()));
    }

    /** A part's flap window and the blind spells counted in it (check thread only). */
    private static final class Flaps {
        long windowStart;
        long windowEnd = Long.MIN_VALUE;
        long blindSince;
        /** The current blind spell began inside the window and was not logged. */
        boolean quietBlind;
        int spells;
        long longest;
        long total;

        void open(long now) {
            windowStart = now;
            windowEnd = now + FLAP_WINDOW_MILLIS;
            spells = 0;
            longest = 0;
            total = 0;
        }

        void count(long lengthMillis) {
            spells++;
            longest = Math.max(longest, lengthMillis);
            total += lengthMillis;
        }
    }

    private static String whatToCheck(Channel ch) {
        return switch (ch) {
            case HTTP -> "check Vigil's CPU and GC (event loops stalled) and its open files (ulimit -n, connections)";
            case DMAAP -> "check the Message Router (its URL in the part name) and the network to it";
            case KAFKA -> "check the Kafka brokers, the network to them and the consumer group";
            case PEER -> "check the peer heartbeat server and its clients";
        };
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
    }
}

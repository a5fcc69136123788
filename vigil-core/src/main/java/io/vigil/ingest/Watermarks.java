package io.vigil.ingest;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The ingest watermarks of one Vigil instance: every ingest part registers one {@link Watermark} and moves it as it
 * proves it has heard its senders. A channel's watermark is the oldest of its parts' (a source is judged on the
 * slowest part that may feed it); a channel with no part registered has none ({@link Long#MAX_VALUE}: judged on the
 * clock alone, as before watermarks existed). A channel {@linkplain #route routed} into another counts for it too
 * (partition mode: HTTP heartbeats reach the engine through Kafka). Outlives engines: the HA role replaces the
 * engine, not the ingest.
 *
 * <p>Thread-safe. Registering and closing are rare (copy-on-write); reads are lock-free.
 */
public final class Watermarks {
    private final Clock clock;
    private final CopyOnWriteArrayList<Watermark> parts = new CopyOnWriteArrayList<>();
    /** Per channel: the channels whose parts it is judged on (itself, and those routed into it). */
    private volatile Map<Channel, Set<Channel>> judgedOn = Map.of();

    /** @param clock the engine's clock: watermarks are compared with its deadlines */
    public Watermarks(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Clock clock() {
        return clock;
    }

    /**
     * Registers one part of {@code channel}, proven up to now.
     *
     * @param name       unique and readable, e.g. {@code http}, {@code dmaap:<topic>}, {@code kafka:<group>}
     * @param blindAfter the longest normal step of its watermark; a longer one is blindness (a WARN, and the time
     *                   does not count against the silence of sources)
     */
    public Watermark register(Channel channel, String name, Duration blindAfter) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(name, "name");
        if (blindAfter.isNegative() || blindAfter.isZero()) throw new IllegalArgumentException("blindAfter must be > 0, got " + blindAfter);
        Watermark w = new Watermark(this, channel, name, blindAfter.toMillis(), clock.millis());
        parts.add(w);
        return w;
    }

    void remove(Watermark w) {
        parts.remove(w);
    }

    /**
     * Declares that heartbeats taken on {@code from} reach the engine through {@code into} (partition mode: an HTTP
     * heartbeat is written to the Kafka topic and read back by its partition's owner, as a heartbeat of
     * {@link Channel#KAFKA}). From then on a source of {@code into} is judged on the parts of both channels: the
     * oldest watermark and the union of blind spells. Without this, a heartbeat held up in a stalled HTTP event loop
     * arrives late at the engine with its old event time, after the Kafka watermark, which knows nothing of that
     * stall, let the deadline fire.
     */
    public synchronized void route(Channel from, Channel into) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(into, "into");
        Map<Channel, Set<Channel>> next = new EnumMap<>(Channel.class);
        next.putAll(judgedOn);
        Set<Channel> on = EnumSet.copyOf(judgedOn(into));
        on.add(from);
        next.put(into, Collections.unmodifiableSet(on));
        judgedOn = Collections.unmodifiableMap(next);
    }

    /** The channels whose parts a source of {@code channel} is judged on: itself and those {@link #route routed} into it. */
    public Set<Channel> judgedOn(Channel channel) {
        Set<Channel> s = judgedOn.get(channel);
        return s == null ? Set.of(channel) : s;
    }

    /** Every registered part, in registration order. */
    public List<Watermark> parts() {
        return List.copyOf(parts);
    }

    /** The oldest watermark of {@code channel}'s parts, or {@link Long#MAX_VALUE} when it has none. */
    public long of(Channel channel) {
        long min = Long.MAX_VALUE;
        for (Watermark w : parts) {
            if (w.channel() == channel) min = Math.min(min, w.millis());
        }
        return min;
    }
}

package io.vigil.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * How far in time one part of an ingest channel (the HTTP event loops, one DMaaP poll loop, one Kafka consumer's
 * partitions) has proven it was listening: every heartbeat that reached that part before {@link #millis()} has been
 * handed to the engine. Only the part's own thread moves it, with {@link #advanceTo}; it never moves back.
 *
 * <p>A step longer than {@link #blindAfterMillis()} is recorded as a {@link BlindSpell}: during it the part proved
 * nothing, so senders may not have been able to deliver at all (a broker that was down, connections refused). The
 * engine does not count such time against a source's silence. The last {@value #KEPT_SPELLS} spells are kept.
 *
 * <p>A part that reaches its upstream again but is still catching up (a Message Router answering full pages of a
 * backlog, a Kafka broker answering while partitions are behind) says so with {@link #reached}: the blind spell ends
 * there, while the watermark stays until the part has caught up. Catching up is lag, which the watermark already
 * holds sources for, not blindness: senders could deliver meanwhile, and what they delivered is read before the
 * watermark passes it. Counted as blind, it would move every deadline later by the whole catch-up, also those of
 * sources heard during it.
 *
 * <p>Thread-safe: {@link #advanceTo} is synchronized (a few calls per second per part); the getters read volatiles.
 */
public final class Watermark implements AutoCloseable {
    static final int KEPT_SPELLS = 16;

    private final Watermarks owner;
    private final Channel channel;
    private final String name;
    private final long blindAfterMillis;
    private final long registeredAtMillis;
    private volatile long millis;
    /** The latest time the part was proven to reach its upstream ({@link #reached}, {@link #advanceTo}); >= millis. */
    private long reachedMillis;
    private volatile boolean advanced;
    private volatile List<BlindSpell> spells = List.of();

    Watermark(Watermarks owner, Channel channel, String name, long blindAfterMillis, long nowMillis) {
        this.owner = owner;
        this.channel = channel;
        this.name = name;
        this.blindAfterMillis = blindAfterMillis;
        this.registeredAtMillis = nowMillis;
        this.millis = nowMillis;
        this.reachedMillis = nowMillis;
    }

    /**
     * The part has proven it heard everything sent to it before {@code provenMillis} (same clock as the engine's).
     * Earlier times are ignored.
     */
    public synchronized void advanceTo(long provenMillis) {
        if (provenMillis <= millis) return;
        reached(provenMillis);
        millis = provenMillis;
        advanced = true;
    }

    /**
     * The part reached its upstream at {@code atMillis} (an answer came back) but has not caught up with it: a blind
     * spell ends there (one is recorded if the part had not reached it for longer than {@link #blindAfterMillis()}),
     * and the watermark does not move. Give the time the answered request went out, as for {@link #advanceTo}: an
     * upstream that hung and then answered was reachable only later, so a spell may end up to one bounded request
     * early, the same as when a proving answer ends it. Earlier times are ignored.
     */
    public synchronized void reached(long atMillis) {
        long from = reachedMillis;
        if (atMillis <= from) return;
        if (atMillis - from > blindAfterMillis) {
            List<BlindSpell> next = new ArrayList<>(spells);
            next.add(new BlindSpell(from, atMillis));
            if (next.size() > KEPT_SPELLS) next.removeFirst();
            spells = List.copyOf(next);
        }
        reachedMillis = atMillis;
    }

    public Channel channel() {
        return channel;
    }

    /** Names the part in logs, status and metrics, e.g. {@code kafka:vigil-heartbeats}. */
    public String name() {
        return name;
    }

    public long millis() {
        return millis;
    }

    /** The longest normal step of this part; a longer one is blindness. */
    public long blindAfterMillis() {
        return blindAfterMillis;
    }

    public long lagMillis(long nowMillis) {
        return Math.max(0, nowMillis - millis);
    }

    /** True while the part has proven nothing for longer than {@link #blindAfterMillis()}. */
    public boolean isBlind(long nowMillis) {
        return nowMillis - millis > blindAfterMillis;
    }

    /** True once the part has advanced at least once (joining a Kafka group takes seconds at startup). */
    public boolean hasAdvanced() {
        return advanced;
    }

    public long registeredAtMillis() {
        return registeredAtMillis;
    }

    /** The last blind spells, oldest first. */
    public List<BlindSpell> spells() {
        return spells;
    }

    /** The part stopped (its consumer closed): it no longer holds its channel back. Idempotent. */
    @Override
    public void close() {
        owner.remove(this);
    }

    @Override
    public String toString() {
        return name + "@" + millis;
    }
}

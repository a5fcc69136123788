package io.vigil.engine;

import org.jspecify.annotations.Nullable;
import io.vigil.ingest.Channel;
import java.util.Objects;

/**
 * A page of the sources table: filters (null = any), an order, and the window {@code [offset, offset + limit)} of
 * the matching sources in that order. See {@link Engine#query}.
 *
 * @param eventName  only this monitor's sources
 * @param state      only sources in this state
 * @param flapping   only sources that are (true) or are not (false) FLAPPING
 * @param channel    only sources whose last heartbeat came through this channel
 * @param text       only sources whose sourceName contains this text, ignoring case
 * @param order      the order of the page; {@link SourceOrder#NONE} is the engine's iteration order (cheapest)
 * @param descending reverse the order (ties stay by name, ascending)
 * @param offset     matching sources to skip, ≥ 0
 * @param limit      at most this many sources in the page, ≥ 1
 */
public record SourceQuery(@Nullable String eventName, @Nullable LivenessState state, @Nullable Boolean flapping,
                          @Nullable Channel channel, @Nullable String text,
                          SourceOrder order, boolean descending, int offset, int limit) {

    public SourceQuery {
        Objects.requireNonNull(order, "order");
        if (offset < 0) throw new IllegalArgumentException("offset < 0");
        if (limit < 1) throw new IllegalArgumentException("limit < 1");
        if (text != null && text.isEmpty()) text = null;
    }

    /** Every source, in iteration order, at most {@code limit}. */
    public static SourceQuery all(int limit) {
        return new SourceQuery(null, null, null, null, null, SourceOrder.NONE, false, 0, limit);
    }

    /** The sort keys of the sources table. */
    public enum SourceOrder {
        /** The engine's iteration order: no sorting cost, stable while the set of sources does not change. */
        NONE,
        /** eventName, then sourceName. */
        NAME,
        /** Last heartbeat time. */
        LAST_SEEN,
        /** UNKNOWN, ALIVE, MISSING (the enum's order). */
        STATE,
        /** The detector's suspicion now. */
        SUSPICION
    }
}

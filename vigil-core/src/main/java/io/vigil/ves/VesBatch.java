package io.vigil.ves;

import java.util.List;

/**
 * The heartbeats read from one VES body, and the items that were rejected (the valid ones are kept).
 *
 * @param heartbeats the usable heartbeats, in body order
 * @param rejected   the unusable items, by index in {@code eventList} (0 for a single event)
 */
public record VesBatch(List<Heartbeat> heartbeats, List<Rejected> rejected) {

    /** One unusable item: its index and what is wrong, naming the JSON path. */
    public record Rejected(int index, String reason) {
    }

    public int size() {
        return heartbeats.size() + rejected.size();
    }
}

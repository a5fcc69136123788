package io.vigil.monitor;

/** Where a heartbeat's "last seen" time comes from. */
public enum TimeBase {
    /** {@code commonEventHeader.lastEpochMicrosec}, clamped to the arrival time (ONAP's rule; the default). */
    EVENT,
    /** The time Vigil received the heartbeat. */
    ARRIVAL
}

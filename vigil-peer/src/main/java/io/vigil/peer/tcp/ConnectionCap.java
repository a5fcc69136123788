package io.vigil.peer.tcp;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's cap on open connections, shared by its shards (each calls from its own event loop): a connection is
 * counted from accept to close; one over the cap is refused. Refusals are reported at most once per
 * {@link #REPORT_EVERY_MILLIS}, with the number refused since the last report, so a flood of connections does not
 * flood the error channel too. Thread-safe.
 */
final class ConnectionCap {
    static final long REPORT_EVERY_MILLIS = 10_000;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong refusedSinceReport = new AtomicLong();
    private final AtomicLong reportedAt = new AtomicLong(Long.MIN_VALUE / 2); // long ago, without overflow

    ConnectionCap(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Counts a new connection; false (and not counted) when the cap is reached. */
    boolean tryOpen() {
        if (open.incrementAndGet() <= max) {
            return true;
        }
        open.decrementAndGet();
        return false;
    }

    /** A counted connection closed. */
    void closed() {
        open.decrementAndGet();
    }

    /**
     * Records one refusal; returns how many to report now (this one included), or 0 when a report went out less than
     * {@link #REPORT_EVERY_MILLIS} ago.
     */
    long refused(long now) {
        refusedSinceReport.incrementAndGet();
        long last = reportedAt.get();
        if (now - last >= REPORT_EVERY_MILLIS && reportedAt.compareAndSet(last, now)) {
            return refusedSinceReport.getAndSet(0);
        }
        return 0;
    }
}

package io.vigil.transport.relay.testing;

import io.vigil.delivery.OutboxCursors;
import io.vigil.delivery.OutboxRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An outbox in memory for relay tests: {@link #append} writes records with increasing seqs; cursors start at 0 so
 * a sink sees every record (the real store starts a new sink at the current end). Can fail its queries on demand.
 * Thread-safe.
 */
public final class InMemoryOutbox implements OutboxCursors {

    private final List<OutboxRecord> records = new ArrayList<>();
    private final Map<String, Long> cursors = new HashMap<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private long nextSeq = 1;

    /** Appends an event with the given payload; returns its record. */
    public synchronized OutboxRecord append(String sourceName, String kind, String payload) {
        OutboxRecord record = new OutboxRecord(nextSeq, "evt-" + nextSeq, "Heartbeat_vDNS", sourceName, kind, payload,
                System.currentTimeMillis());
        nextSeq++;
        records.add(record);
        return record;
    }

    /** The next {@code n} calls to {@link #pending} or {@link #acknowledge} throw, as a store outage would. */
    public void failNextCalls(int n) {
        failuresToInject.set(n);
    }

    public synchronized long cursor(String sink) {
        return cursors.getOrDefault(sink, 0L);
    }

    @Override
    public synchronized List<OutboxRecord> pending(String sink, int limit) {
        maybeFail();
        long after = cursor(sink);
        return records.stream().filter(r -> r.seq() > after).limit(limit).toList();
    }

    @Override
    public synchronized void acknowledge(String sink, long seq) {
        maybeFail();
        cursors.merge(sink, seq, Math::max);
    }

    private void maybeFail() {
        if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected outbox failure (database unreachable)");
        }
    }
}

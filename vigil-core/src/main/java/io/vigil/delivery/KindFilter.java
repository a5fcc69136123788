package io.vigil.delivery;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A sink that only receives some kinds of outbox records. All change events share one outbox; each sink has its
 * own cursor, so a record of another kind is acknowledged at once without being delivered. The publish targets
 * take the liveness alarms (ONSET, ABATED), and the pull side's workers take its status changes.
 */
public final class KindFilter implements Sink {
    /** The kinds ONAP's control loop (and every {@code publish[]} target) receives. */
    public static final Set<String> ALARMS = Set.of("ONSET", "ABATED");
    /**
     * What every {@code publish[]} target receives: the alarms and the leadership changes of peer endpoints
     * ({@code LEADERSHIP}, written only when {@code peers[]} is configured).
     */
    public static final Set<String> PUBLISHED = Set.of("ONSET", "ABATED", "LEADERSHIP");

    private final Sink inner;
    private final Set<String> kinds;

    public KindFilter(Sink inner, Set<String> kinds) {
        this.inner = inner;
        this.kinds = Set.copyOf(kinds);
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        if (!kinds.contains(record.kind())) return CompletableFuture.completedFuture(null);
        return inner.deliver(record);
    }

    @Override
    public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
        List<OutboxRecord> wanted = records.stream().filter(r -> kinds.contains(r.kind())).toList();
        if (wanted.isEmpty()) return CompletableFuture.completedFuture(null);
        return inner.deliverBatch(wanted);
    }

    @Override
    public int maxBatch() {
        return inner.maxBatch();
    }

    @Override
    public long maxBatchDelayMillis() {
        return inner.maxBatchDelayMillis();
    }

    @Override
    public int maxInFlight() {
        return inner.maxInFlight();
    }

    @Override
    public void close() {
        inner.close();
    }
}

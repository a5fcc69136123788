package io.vigil.collect.datasource;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reuses another datasource's result for a TTL: for sources that are slow or cost money per call (a cloud API).
 * Concurrent callers while a call is running share it. Also keeps the mapping from ip to instance name of the last
 * successful result ({@link #nameOf}), kept through failed calls, for callers that only know an address: a delayed
 * action without {@code do_group} runs on the instance holding its event's ip. A failed call is not cached.
 * Thread-safe.
 */
public final class CachedDatasource implements Datasource {
    private final Datasource inner;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, String> nameByIp = new ConcurrentHashMap<>();
    private CompletableFuture<List<Entity>> last; // guarded by this
    private long lastAtMillis; // guarded by this
    private volatile long calls;

    public CachedDatasource(Datasource inner, Duration ttl, Clock clock) {
        this.inner = inner;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public synchronized CompletionStage<List<Entity>> collect() {
        long now = clock.millis();
        boolean fresh = last != null && (!last.isDone() || now - lastAtMillis < ttl.toMillis()) && !last.isCompletedExceptionally();
        if (fresh) return last;
        calls++;
        lastAtMillis = now;
        // the mapping is updated before anyone sees the result, so nameOf agrees with the answer just returned
        CompletableFuture<List<Entity>> f = inner.collect().toCompletableFuture().thenApply(list -> {
            Map<String, String> next = new java.util.HashMap<>();
            for (Entity e : list) if (e.type() == EntityType.INSTANCES && e.ip() != null) next.putIfAbsent(e.ip(), e.name());
            nameByIp.keySet().retainAll(next.keySet());
            nameByIp.putAll(next);
            return list;
        });
        last = f;
        return f;
    }

    /** The name of the instance with this ip in the last successful result, or null. */
    public String nameOf(String ip) {
        return nameByIp.get(ip);
    }

    /** How many times the wrapped datasource was called. */
    public long calls() {
        return calls;
    }
}

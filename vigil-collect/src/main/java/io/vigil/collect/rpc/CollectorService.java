package io.vigil.collect.rpc;

import io.vigil.collect.datasource.CachedDatasource;
import io.vigil.collect.datasource.Datasource;
import io.vigil.collect.datasource.Entity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A collector on demand: it has no timer; it answers {@code get_all(datasource_names)} and
 * {@code get_changes(datasource_names)} by reading its datasources now, and hands every answer to its
 * {@link EventQueue} in the background.
 *
 * <p>{@code get_changes} reports what differs (state, code, status, ip) from what this collector saw at its previous
 * call of either kind for that datasource, plus entities that disappeared (state {@code deleted}); its first call for
 * a datasource reports every entity. Several collectors may serve the same datasources (active-active): each keeps its
 * own view, and the engine's diff against its own state removes duplicates. An empty name list means every datasource.
 * Thread-safe.
 */
public final class CollectorService implements Collector {
    private final String id;
    private final Map<String, Datasource> datasources;
    private final EventQueue queue;
    private final Clock clock;
    private final Map<String, Map<String, Entity>> views = new HashMap<>(); // guarded by itself

    public CollectorService(String id, Map<String, Datasource> datasources, EventQueue queue, Clock clock) {
        this.id = id;
        this.datasources = new LinkedHashMap<>(datasources);
        this.queue = queue;
        this.clock = clock;
    }

    @Override
    public String id() {
        return id;
    }

    /** The instance name for an ip from the cached datasources' mapping ({@link CachedDatasource#nameOf}), or null. */
    public String cachedInstanceName(String ip) {
        for (Datasource d : datasources.values()) {
            if (d instanceof CachedDatasource c) {
                String name = c.nameOf(ip);
                if (name != null) return name;
            }
        }
        return null;
    }

    public List<String> datasourceNames() {
        return List.copyOf(datasources.keySet());
    }

    /**
     * Every entity of the named datasources.
     *
     * @throws IllegalArgumentException (synchronously) when a name is unknown
     */
    @Override
    public CompletionStage<RpcResult> getAll(List<String> names) {
        return call(RpcResult.GET_ALL, names);
    }

    /** What changed since this collector's previous call, per datasource. */
    @Override
    public CompletionStage<RpcResult> getChanges(List<String> names) {
        return call(RpcResult.GET_CHANGES, names);
    }

    private CompletionStage<RpcResult> call(String rpc, List<String> requested) {
        List<String> names = resolve(requested);
        if (!queue.hasRoom()) return CompletableFuture.failedFuture(new EventQueueFullException());
        long started = clock.millis();
        Map<String, CompletableFuture<List<Entity>>> running = new LinkedHashMap<>();
        for (String n : names) running.put(n, datasources.get(n).collect().toCompletableFuture());
        return CompletableFuture.allOf(running.values().stream().map(f -> f.exceptionally(e -> null)).toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<String> ok = new ArrayList<>();
                    List<Entity> entities = new ArrayList<>();
                    Map<String, String> errors = new LinkedHashMap<>();
                    running.forEach((name, f) -> {
                        if (f.isCompletedExceptionally()) {
                            errors.put(name, rootMessage(f));
                            return;
                        }
                        ok.add(name);
                        List<Entity> now = f.join();
                        entities.addAll(RpcResult.GET_ALL.equals(rpc) ? remember(name, now) : changes(name, now, clock.millis()));
                    });
                    RpcResult r = new RpcResult(id, rpc, started, ok, entities, errors);
                    queue.append(r);
                    return r;
                });
    }

    private List<String> resolve(List<String> requested) {
        if (requested == null || requested.isEmpty()) return List.copyOf(datasources.keySet());
        for (String n : requested) {
            if (!datasources.containsKey(n))
                throw new IllegalArgumentException("unknown datasource \"" + n + "\"; this collector serves: " + String.join(", ", datasources.keySet()));
        }
        return List.copyOf(new java.util.LinkedHashSet<>(requested));
    }

    private List<Entity> remember(String ds, List<Entity> now) {
        Map<String, Entity> view = new LinkedHashMap<>();
        for (Entity e : now) view.put(e.key(), e);
        synchronized (views) {
            views.put(ds, view);
        }
        return now;
    }

    private List<Entity> changes(String ds, List<Entity> now, long at) {
        List<Entity> out = new ArrayList<>();
        Map<String, Entity> next = new LinkedHashMap<>();
        for (Entity e : now) next.put(e.key(), e);
        synchronized (views) {
            Map<String, Entity> before = views.getOrDefault(ds, Map.of());
            for (Entity e : now) if (e.differsFrom(before.get(e.key()))) out.add(e);
            for (Entity gone : before.values()) if (!next.containsKey(gone.key())) out.add(gone.withState(Entity.DELETED, null, at));
            views.put(ds, next);
        }
        return out;
    }

    private static String rootMessage(CompletableFuture<?> f) {
        try {
            f.join();
            return "unknown";
        } catch (RuntimeException e) {
            Throwable t = e;
            while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException)) t = t.getCause();
            return t.getMessage() == null ? t.toString() : t.getMessage();
        }
    }
}

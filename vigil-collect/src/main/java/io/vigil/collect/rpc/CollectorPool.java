package io.vigil.collect.rpc;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several active-active collectors behind one call. Calls go round-robin; a collector whose call fails is marked down
 * and skipped for a backoff (1 s doubling to 30 s) while the call moves on to the next one; once its backoff ended it
 * takes its turn again, and a failure moves the call on to the next collector. When every collector is down the call fails. Thread-safe.
 */
public final class CollectorPool {
    private static final Logger log = LoggerFactory.getLogger(CollectorPool.class);
    static final long FIRST_BACKOFF_MS = 1000, MAX_BACKOFF_MS = 30_000;
    private static final io.vigil.backoff.BackoffPolicy BACKOFF = io.vigil.backoff.BackoffPolicy.doubling(
            java.time.Duration.ofMillis(FIRST_BACKOFF_MS), java.time.Duration.ofMillis(MAX_BACKOFF_MS));

    private final List<Member> members;
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();

    /** What the status API shows about one collector. */
    public record Status(String id, boolean up, int failures, String lastError, long downUntilMillis) {
    }

    private static final class Member {
        final Collector collector;
        int failures; // guarded by this
        long downUntil; // guarded by this
        String lastError; // guarded by this

        Member(Collector c) {
            this.collector = c;
        }
    }

    public CollectorPool(List<? extends Collector> collectors, Clock clock) {
        if (collectors.isEmpty()) throw new IllegalArgumentException("a collector pool needs at least one collector");
        this.members = collectors.stream().map(Member::new).toList();
        this.clock = clock;
    }

    public CompletionStage<RpcResult> getAll(List<String> datasources) {
        return call(Collector::getAll, datasources);
    }

    public CompletionStage<RpcResult> getChanges(List<String> datasources) {
        return call(Collector::getChanges, datasources);
    }

    private CompletionStage<RpcResult> call(BiFunction<Collector, List<String>, CompletionStage<RpcResult>> rpc, List<String> ds) {
        int start = Math.floorMod(next.getAndIncrement(), members.size());
        List<Member> order = new ArrayList<>();
        long now = clock.millis();
        // Round-robin over the members that are up or whose backoff ended (a retry probe); the rest are skipped.
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get((start + i) % members.size());
            synchronized (m) {
                if (m.failures == 0 || now >= m.downUntil) order.add(m);
            }
        }
        CompletableFuture<RpcResult> result = new CompletableFuture<>();
        attempt(order, 0, rpc, ds, result, null);
        return result;
    }

    private void attempt(List<Member> order, int i, BiFunction<Collector, List<String>, CompletionStage<RpcResult>> rpc,
                         List<String> ds, CompletableFuture<RpcResult> result, Throwable last) {
        if (i >= order.size()) {
            result.completeExceptionally(new IllegalStateException("no collector answered"
                    + (last == null ? " (all are down and waiting for their retry)" : ": " + last.getMessage())));
            return;
        }
        Member m = order.get(i);
        CompletionStage<RpcResult> stage;
        try {
            stage = rpc.apply(m.collector, ds);
        } catch (RuntimeException e) {
            result.completeExceptionally(e); // a bad request (unknown datasource) fails the same on every collector
            return;
        }
        stage.whenComplete((r, e) -> {
            if (e == null) {
                up(m);
                result.complete(r);
            } else {
                down(m, e);
                attempt(order, i + 1, rpc, ds, result, e);
            }
        });
    }

    private void up(Member m) {
        synchronized (m) {
            if (m.failures > 0) log.info("collector {} answers again after {} failed calls", m.collector.id(), m.failures);
            m.failures = 0;
            m.lastError = null;
        }
    }

    private void down(Member m, Throwable e) {
        synchronized (m) {
            m.failures++;
            long backoff = BACKOFF.delayAfter(m.failures).toMillis();
            m.downUntil = clock.millis() + backoff;
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            m.lastError = root.getMessage() == null ? root.toString() : root.getMessage();
            if (m.failures == 1 || m.failures % 20 == 0)
                log.warn("collector {} failed ({}), skipped for {} ms, then retried", m.collector.id(), m.lastError, backoff);
        }
    }

    public List<Status> status() {
        List<Status> out = new ArrayList<>();
        for (Member m : members) {
            synchronized (m) {
                out.add(new Status(m.collector.id(), m.failures == 0, m.failures, m.lastError, m.downUntil));
            }
        }
        return out;
    }
}

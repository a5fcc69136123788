package io.vigil.transport.relay;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink that records every attempt and fails or holds deliveries on demand. Thread-safe. */
final class ScriptedSink implements Sink {

    private final String name;
    private final List<Long> attempts = new ArrayList<>();
    private final List<Long> accepted = new ArrayList<>();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean concurrentCall = new AtomicBoolean();
    private volatile CompletableFuture<Void> held;
    private boolean inFlight;

    ScriptedSink(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    /** The next {@code n} deliveries fail. */
    void failNext(int n) {
        failuresToInject.set(n);
    }

    /** Every delivery fails until {@code setFailing(false)}. */
    void setFailing(boolean value) {
        failing.set(value);
    }

    /** The next delivery stays in flight until the returned future is completed by the test. */
    CompletableFuture<Void> holdNext() {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        held = gate;
        return gate;
    }

    synchronized List<Long> attempts() {
        return List.copyOf(attempts);
    }

    synchronized List<Long> accepted() {
        return List.copyOf(accepted);
    }

    /** True if deliver() was ever called while a previous delivery was still in flight. */
    boolean sawConcurrentCall() {
        return concurrentCall.get();
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        synchronized (this) {
            if (inFlight) concurrentCall.set(true);
            inFlight = true;
            attempts.add(record.seq());
        }
        boolean fail = failing.get() || failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        CompletableFuture<Void> gate = held;
        held = null;
        CompletableFuture<Void> before = gate != null ? gate : CompletableFuture.completedFuture(null);
        return before.thenCompose(v -> {
            synchronized (this) {
                inFlight = false;
                if (!fail) accepted.add(record.seq());
            }
            return fail ? CompletableFuture.failedFuture(new IllegalStateException("scripted failure of seq " + record.seq()))
                    : CompletableFuture.completedFuture(null);
        });
    }
}

package io.vigil.server.ha;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * A sink that delivers only while this instance may emit ({@code LeaseKeeper::isHolding}); otherwise the delivery
 * fails without touching the receiver, and the relay keeps the record for later (by this instance if it resumes, by
 * the new active otherwise: delivery cursors live in the shared store).
 *
 * <p>Why: relays run only on the ACTIVE instance and are stopped when it loses the role, but a relay thread that was
 * paused (GC, SIGSTOP) wakes up before anyone tells it; this check, made right before every delivery on the
 * monotonic clock, keeps a resumed old active from delivering a single record after its lease lapsed.
 */
public final class FencedSink implements Sink {
    private final Sink delegate;
    private final BooleanSupplier mayEmit;

    public FencedSink(Sink delegate, BooleanSupplier mayEmit) {
        this.delegate = delegate;
        this.mayEmit = mayEmit;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        if (!mayEmit.getAsBoolean()) return notActive();
        return delegate.deliver(record);
    }

    @Override
    public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
        if (!mayEmit.getAsBoolean()) return notActive();
        return delegate.deliverBatch(records);
    }

    @Override
    public int maxBatch() {
        return delegate.maxBatch();
    }

    @Override
    public long maxBatchDelayMillis() {
        return delegate.maxBatchDelayMillis();
    }

    @Override
    public int maxInFlight() {
        return delegate.maxInFlight();
    }

    private CompletionStage<Void> notActive() {
        return CompletableFuture.failedFuture(new IllegalStateException(
                "not delivering to '" + name() + "': this instance is not the active one (or not sure it still is)"));
    }

    @Override
    public void close() {
        delegate.close();
    }
}

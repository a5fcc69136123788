package io.vigil.transport.relay;

import io.vigil.delivery.OutboxCursors;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one sink's outbox records, in seq order, until each is acknowledged.
 *
 * <p>Guarantees: at-least-once and in order per sink. A record is handed to {@link Sink#deliver} only after the
 * previous one was acknowledged by the sink and its cursor moved ({@link OutboxCursors#acknowledge}); a failed
 * delivery is retried with {@link RelaySettings#backoff()} forever, so a record is never skipped. A crash between the
 * sink's acknowledgement and the cursor update delivers that record again after restart: receivers deduplicate on
 * {@link OutboxRecord#eventId()}.
 *
 * <p>Threading: one dedicated platform thread per relay ({@code vigil-relay-<sink>}) runs the loop, because
 * {@link OutboxCursors} is blocking JDBC and must stay off the Vert.x event loop; the thread simply waits for each
 * delivery's stage. The relay polls the outbox every {@link RelaySettings#pollInterval()} and at once when
 * {@link #wakeUp()} is called (after a transaction wrote outbox rows). A sink must bound its own calls (timeouts):
 * the relay never calls {@code deliver} again before the previous stage completed, as {@link Sink} promises.
 *
 * <p>Thread-safe: {@link #wakeUp()}, {@link #close()} and the {@link RelayMetrics} getters may be called from any
 * thread.
 */
public final class OutboxRelay implements RelayMetrics, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** After the first failure of a record, log only every Nth further failure: a sink down for hours must not flood logs. */
    private static final int LOG_EVERY_NTH_FAILURE = 20;

    private final Sink sink;
    private final OutboxCursors cursors;
    private final RelaySettings settings;
    private final Thread thread;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signal = lock.newCondition();
    private boolean woken; // guarded by lock
    private volatile boolean closing;

    // Written by the relay thread only; volatile/atomic so getters on other threads see fresh values.
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile long currentBackoffMillis;
    private volatile long headSeq = -1;
    private volatile long ackedSeq = -1;
    /** The last record the sink accepted; the cursor catches up once per batch (see acknowledgeDelivered). */
    private volatile long deliveredSeq = -1;
    private volatile long inFlightCreatedAtMillis; // 0 when idle
    private volatile long lastLatencyNanos;
    private volatile LongConsumer deliveryAges = ms -> { };

    private OutboxRelay(Sink sink, OutboxCursors cursors, RelaySettings settings) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.thread = new Thread(this::run, "vigil-relay-" + sink.name());
        this.thread.setDaemon(true);
    }

    /** Creates the relay and starts its thread. The caller owns it and must {@link #close()} it. */
    public static OutboxRelay start(Sink sink, OutboxCursors cursors, RelaySettings settings) {
        OutboxRelay relay = new OutboxRelay(sink, cursors, settings);
        relay.thread.start();
        return relay;
    }

    /**
     * Observes each accepted delivery: the record's age in ms when the sink accepted it (from the change event's
     * decision to the sink's acknowledgement, retries included). Called on the relay thread; must be cheap.
     */
    public void observeDeliveryAges(LongConsumer observer) {
        this.deliveryAges = Objects.requireNonNull(observer, "observer");
    }

    /**
     * New outbox rows may exist: look now instead of at the next poll. Cheap and non-blocking; calls while the relay is
     * busy coalesce into one extra look. Does not shorten a retry backoff.
     */
    public void wakeUp() {
        lock.lock();
        try {
            woken = true;
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops the relay: no new delivery starts, a backoff pause ends at once, and the delivery in flight (if any) is
     * awaited up to {@link RelaySettings#closeTimeout()} and acknowledged if it succeeds. Undelivered records stay in
     * the outbox for the next start. Does not close the sink. Idempotent.
     */
    @Override
    public void close() {
        closing = true;
        wakeUp();
        try {
            thread.join(settings.closeTimeout().toMillis());
            if (thread.isAlive()) {
                log.warn("Relay to sink '{}' did not finish its in-flight delivery within {}; abandoning it (it will be redelivered after restart)",
                        sink.name(), settings.closeTimeout());
                thread.interrupt();
                thread.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        int failures = 0;
        while (!closing) {
            List<OutboxRecord> batch;
            try {
                batch = cursors.pending(sink.name(), settings.batchSize());
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                log.warn("Relay to sink '{}' cannot read the outbox (attempt {}): {}", sink.name(), failures, e.toString());
                pause(settings.backoff().delayAfter(failures));
                continue;
            }
            if (batch.isEmpty()) {
                awaitWork(settings.pollInterval());
                continue;
            }
            noteHead(batch);
            for (OutboxRecord record : batch) {
                if (!deliverUntilAccepted(record)) {
                    acknowledgeDelivered();
                    return;
                }
            }
            // one cursor commit per batch, not per record: a crash redelivers at most this batch (receivers
            // deduplicate on the event id), and the store round trip no longer halves the delivery rate
            if (!acknowledgeDelivered()) return;
        }
    }

    private void noteHead(List<OutboxRecord> batch) {
        if (ackedSeq < 0) ackedSeq = batch.getFirst().seq() - 1; // the cursor sits just before the first pending row
        headSeq = Math.max(headSeq, batch.getLast().seq());
    }

    /** Delivers one record, retrying as long as it takes; false when the relay closed first. */
    private boolean deliverUntilAccepted(OutboxRecord record) {
        inFlightCreatedAtMillis = Math.max(1, record.createdAtMillis());
        int failures = 0;
        while (true) {
            if (closing) return false;
            long start = System.nanoTime();
            Throwable error = attempt(record);
            if (error == null) {
                lastLatencyNanos = System.nanoTime() - start;
                deliveryAges.accept(Math.max(0, settings.clock().millis() - record.createdAtMillis()));
                if (failures > 0) log.info("Sink '{}' accepted seq {} after {} failed attempts", sink.name(), record.seq(), failures);
                break;
            }
            failures++;
            failedAttempts.incrementAndGet();
            if (failures == 1 && !acknowledgeDelivered()) return false; // record what got through before waiting
            Duration delay = settings.backoff().delayAfter(failures);
            if (failures == 1 || failures % LOG_EVERY_NTH_FAILURE == 0) {
                log.warn("Sink '{}' failed to take seq {} (event {}), attempt {}; retrying in {} ms: {}", sink.name(),
                        record.seq(), record.eventId(), failures, delay.toMillis(), describe(error));
            }
            currentBackoffMillis = delay.toMillis();
            boolean stillOpen = pause(delay);
            currentBackoffMillis = 0;
            if (!stillOpen) return false;
        }
        deliveredSeq = record.seq();
        delivered.incrementAndGet();
        inFlightCreatedAtMillis = 0;
        return true;
    }

    /**
     * Moves the cursor to the last delivered record; if the store is down, retries (crashing meanwhile would only
     * redeliver: at-least-once). False when the relay closed before it could.
     */
    private boolean acknowledgeDelivered() {
        long seq = deliveredSeq;
        if (seq <= ackedSeq) return true;
        int ackFailures = 0;
        while (true) {
            try {
                cursors.acknowledge(sink.name(), seq);
                ackedSeq = seq;
                return true;
            } catch (RuntimeException e) {
                ackFailures++;
                log.warn("Relay to sink '{}' cannot record delivery up to seq {} (attempt {}): {}", sink.name(), seq,
                        ackFailures, e.toString());
                if (closing || !pause(settings.backoff().delayAfter(ackFailures))) return false;
            }
        }
    }

    /** One delivery call; null on success, else the cause. Waits for the stage without a deadline: sinks bound it. */
    private Throwable attempt(OutboxRecord record) {
        try {
            sink.deliver(record).toCompletableFuture().get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (InterruptedException e) {
            // Only close() interrupts, after its timeout: the delivery is abandoned and will be redelivered later.
            closing = true;
            Thread.currentThread().interrupt();
            return e;
        } catch (RuntimeException e) {
            return e; // deliver() threw instead of returning a failed stage: treat it the same
        }
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    /** Waits out {@code delay}, ended early only by close; false when closing. */
    private boolean pause(Duration delay) {
        long remaining = delay.toNanos();
        lock.lock();
        try {
            while (!closing && remaining > 0) remaining = signal.awaitNanos(remaining);
        } catch (InterruptedException e) {
            closing = true;
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        return !closing;
    }

    /** Waits until woken, closed, or {@code timeout} passes (the fallback poll). */
    private void awaitWork(Duration timeout) {
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (!woken && !closing && remaining > 0) remaining = signal.awaitNanos(remaining);
            woken = false;
        } catch (InterruptedException e) {
            closing = true;
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String sinkName() {
        return sink.name();
    }

    @Override
    public long delivered() {
        return delivered.get();
    }

    @Override
    public long failedAttempts() {
        return failedAttempts.get();
    }

    @Override
    public long currentBackoffMillis() {
        return currentBackoffMillis;
    }

    @Override
    public long lagRecords() {
        long head = headSeq;
        long acked = ackedSeq;
        return head < 0 ? 0 : Math.max(0, head - acked);
    }

    @Override
    public long oldestUndeliveredAgeMillis() {
        long createdAt = inFlightCreatedAtMillis;
        return createdAt == 0 ? 0 : Math.max(0, settings.clock().millis() - createdAt);
    }

    @Override
    public long lastDeliveryLatencyNanos() {
        return lastLatencyNanos;
    }

    @Override
    public long lastAcknowledgedSeq() {
        return ackedSeq;
    }

    /** True while the relay thread runs (false after {@link #close()}). */
    public boolean isRunning() {
        return thread.isAlive();
    }
}

package io.vigil.transport.relay;

import io.vigil.delivery.OutboxCursors;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one sink's outbox records until each is acknowledged, several requests in flight when the sink allows.
 *
 * <p>Guarantees: at-least-once, and in order per source. Records are read in seq order into a {@link DeliveryWindow}
 * that spreads them over {@link Sink#maxInFlight()} lanes by source; each lane hands the sink one batch of up to
 * {@link Sink#maxBatch()} records at a time (waiting up to {@link Sink#maxBatchDelayMillis()} to fill it), so the
 * records of one source go one batch after the other, while other sources' batches are in flight beside them. A
 * failed batch is retried with {@link RelaySettings#backoff()} forever, so a record is never skipped; other lanes go
 * on meanwhile, up to the window's capacity. The cursor ({@link OutboxCursors#acknowledge}) moves to the last record
 * acknowledged without a gap before it, once per {@link RelaySettings#batchSize()} records and whenever the relay
 * falls idle: a crash redelivers what was after it, and receivers deduplicate on {@link OutboxRecord#eventId()}.
 * With a sink of one lane and batches of one (the {@link Sink} defaults) this is the strict one-record-at-a-time
 * delivery in seq order.
 *
 * <p>Threading: one dedicated platform thread per relay ({@code vigil-relay-<sink>}) runs the loop, because
 * {@link OutboxCursors} is blocking JDBC and must stay off the Vert.x event loop; sinks complete their stages on any
 * thread and the relay takes the outcomes in. The relay polls the outbox every {@link RelaySettings#pollInterval()}
 * and at once when {@link #wakeUp()} is called (after a transaction wrote outbox rows). A sink must bound its own
 * calls (timeouts).
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
    private int ackFailures; // relay thread only
    private volatile long inFlightCreatedAtMillis; // 0 when idle
    private volatile long lastLatencyNanos;
    private volatile LongConsumer deliveryAges = ms -> { };
    private volatile StageObserver stageObserver = (r, handed, acked) -> { };
    /** Outcomes of deliveries, posted by whichever thread completes a sink's stage, taken in by the relay thread. */
    private final ConcurrentLinkedQueue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final int lanes;
    private final int maxBatch;
    private final int capacity;
    /** How soon a cursor update that failed is tried again while nothing else wakes the relay. */
    private static final long ACK_RETRY_MILLIS = 200;

    private OutboxRelay(Sink sink, OutboxCursors cursors, RelaySettings settings) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.lanes = Math.max(1, sink.maxInFlight());
        this.maxBatch = Math.max(1, sink.maxBatch());
        // room for every lane to have a batch in flight and the next one filling, and at least one outbox page
        this.capacity = Math.max(settings.batchSize(), lanes * maxBatch * 2);
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
     * When a record was decided, journaled, handed to the sink and acknowledged; see {@link #observeStages}.
     */
    @FunctionalInterface
    public interface StageObserver {
        /**
         * @param record               carries the decision ({@link OutboxRecord#createdAtMillis()}) and journal
         *                             ({@link OutboxRecord#journaledAtMillis()}) times
         * @param handedAtMillis       when the relay handed it to the sink (the last, successful attempt)
         * @param acknowledgedAtMillis when the relay learned that the sink acknowledged it
         */
        void delivered(OutboxRecord record, long handedAtMillis, long acknowledgedAtMillis);
    }

    /**
     * Observes each acknowledged record's stages (decided → journaled → handed to the sink → acknowledged), all on
     * {@link RelaySettings#clock()}'s milliseconds. Called on the relay thread; must be cheap.
     */
    public void observeStages(StageObserver observer) {
        this.stageObserver = Objects.requireNonNull(observer, "observer");
    }

    /**
     * A hook that wakes every relay of {@code relays}, a live list (relays added later are woken too). One class for
     * every caller — the server's relays and the warm-up's — so that the journal's call site, compiled in the warm-up,
     * meets the same type in a real storm instead of being recompiled inside it.
     */
    public static Runnable wakingAll(java.util.concurrent.CopyOnWriteArrayList<OutboxRelay> relays) {
        return new WakingAll(Objects.requireNonNull(relays, "relays"));
    }

    private record WakingAll(java.util.concurrent.CopyOnWriteArrayList<OutboxRelay> relays) implements Runnable {
        @Override
        public void run() {
            for (OutboxRelay r : relays) r.wakeUp();
        }
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
        DeliveryWindow window = new DeliveryWindow(lanes, maxBatch, sink.maxBatchDelayMillis(), capacity);
        int readFailures = 0;
        long readRetryAt = Long.MIN_VALUE;
        boolean readWanted = true;
        long nextPollAt = settings.clock().millis() + settings.pollInterval().toMillis();
        while (!closing) {
            settle(window);
            if (closing) break;
            long now = settings.clock().millis();
            boolean mayRead = readWanted && window.room() > 0 && now >= readRetryAt;
            if (mayRead) {
                int limit = Math.min(window.room(), settings.batchSize());
                try {
                    List<OutboxRecord> page = window.readThrough() < 0 ? cursors.pending(sink.name(), limit)
                            : cursors.pending(sink.name(), window.readThrough(), limit);
                    readFailures = 0;
                    readWanted = page.size() == limit; // a full page: more may wait
                    if (!page.isEmpty()) {
                        noteHead(page);
                        window.add(page, now);
                    }
                } catch (RuntimeException e) {
                    readFailures++;
                    Duration delay = settings.backoff().delayAfter(readFailures);
                    log.warn("Relay to sink '{}' cannot read the outbox (attempt {}): {}", sink.name(), readFailures, e.toString());
                    readRetryAt = now + delay.toMillis();
                }
            }
            for (DeliveryWindow.Batch b : window.ready(now)) send(b);
            syncCursor(window, false);
            inFlightCreatedAtMillis = oldestCreatedAt(window);
            if (readWanted && window.room() > 0 && settings.clock().millis() >= readRetryAt) continue;

            long due = window.nextDueMillis(now);
            if (readWanted && window.room() > 0) due = Math.min(due, readRetryAt);
            if (window.deliveredThrough() > ackedSeq) due = Math.min(due, now + ACK_RETRY_MILLIS);
            due = Math.min(due, nextPollAt);
            if (awaitWork(Math.max(1, due - now)) || settings.clock().millis() >= nextPollAt) {
                readWanted = true;
                nextPollAt = settings.clock().millis() + settings.pollInterval().toMillis();
            }
        }
        // closing: no new delivery; the ones in flight are awaited (close() bounds that) and acknowledged
        while (window.inFlight() > 0 && awaitCompletion()) settle(window);
        syncCursor(window, true);
    }

    private void noteHead(List<OutboxRecord> page) {
        if (ackedSeq < 0) ackedSeq = page.getFirst().seq() - 1; // the cursor sits just before the first pending row
        headSeq = Math.max(headSeq, page.getLast().seq());
    }

    /** Hands one batch to the sink; its outcome comes back through {@link #completions}. */
    private void send(DeliveryWindow.Batch b) {
        long start = System.nanoTime();
        CompletionStage<Void> stage;
        try {
            stage = b.records().size() == 1 && maxBatch == 1 ? sink.deliver(b.records().getFirst()) : sink.deliverBatch(b.records());
        } catch (RuntimeException e) { // deliver() threw instead of returning a failed stage: treat it the same
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((ok, error) -> {
            completions.add(new Completion(b, error == null ? null : unwrap(error), System.nanoTime() - start));
            signalWork();
        });
    }

    private record Completion(DeliveryWindow.Batch batch, Throwable error, long nanos) {
    }

    /** Takes in the outcomes of finished deliveries: successes release records, failures schedule a retry. */
    private void settle(DeliveryWindow window) {
        Completion c;
        while ((c = completions.poll()) != null) {
            DeliveryWindow.Batch b = c.batch();
            long now = settings.clock().millis();
            if (c.error() == null) {
                int failuresBefore = window.succeeded(b);
                lastLatencyNanos = Math.max(1, c.nanos());
                LongConsumer ages = deliveryAges;
                StageObserver stages = stageObserver;
                for (OutboxRecord r : b.records()) {
                    ages.accept(Math.max(0, now - r.createdAtMillis()));
                    stages.delivered(r, b.handedAtMillis(), now);
                }
                delivered.addAndGet(b.records().size());
                if (failuresBefore > 0) {
                    currentBackoffMillis = 0;
                    log.info("Sink '{}' accepted {} after {} failed attempts", sink.name(), describe(b), failuresBefore);
                }
            } else {
                failedAttempts.incrementAndGet();
                int failures = window.failuresOf(b) + 1;
                Duration delay = settings.backoff().delayAfter(failures);
                window.failed(b, now + delay.toMillis());
                if (!closing && (failures == 1 || failures % LOG_EVERY_NTH_FAILURE == 0)) {
                    OutboxRecord first = b.records().getFirst();
                    log.warn("Sink '{}' failed to take {} (event {}), attempt {}; retrying in {} ms: {}", sink.name(),
                            describe(b), first.eventId(), failures, delay.toMillis(), describe(c.error()));
                }
                currentBackoffMillis = delay.toMillis();
            }
        }
    }

    private static String describe(DeliveryWindow.Batch b) {
        List<OutboxRecord> r = b.records();
        return r.size() == 1 ? "seq " + r.getFirst().seq() : r.size() + " events (seq " + r.getFirst().seq() + "…" + r.getLast().seq() + ")";
    }

    private static long oldestCreatedAt(DeliveryWindow window) {
        OutboxRecord oldest = window.oldestUndelivered();
        return oldest == null ? 0 : Math.max(1, oldest.createdAtMillis());
    }

    /**
     * Moves the cursor to what the sink acknowledged without a gap: once per {@link RelaySettings#batchSize()} records
     * while deliveries stream, and whenever none is in flight (so an idle relay's cursor is exact). A crash before
     * the update only redelivers (receivers deduplicate on the event id). If the store is down, the next round tries
     * again; delivery goes on meanwhile.
     */
    private void syncCursor(DeliveryWindow window, boolean force) {
        long through = window.deliveredThrough();
        if (through <= ackedSeq) return;
        if (!force && window.inFlight() > 0 && through - ackedSeq < settings.batchSize()) return;
        try {
            cursors.acknowledge(sink.name(), through);
            ackedSeq = through;
            ackFailures = 0;
        } catch (RuntimeException e) {
            ackFailures++;
            if (ackFailures == 1 || ackFailures % LOG_EVERY_NTH_FAILURE == 0) {
                log.warn("Relay to sink '{}' cannot record delivery up to seq {} (attempt {}): {}", sink.name(), through,
                        ackFailures, e.toString());
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        while ((error instanceof CompletionException || error instanceof ExecutionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private void signalWork() {
        lock.lock();
        try {
            signal.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** While closing: waits for a delivery in flight to finish; false when close() gave up on it (interrupt). */
    private boolean awaitCompletion() {
        lock.lock();
        try {
            while (completions.isEmpty()) signal.await();
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until woken, a delivery finished, closed, or {@code timeoutMillis} passes; true when {@link #wakeUp()} was
     * called (new outbox rows may exist).
     */
    private boolean awaitWork(long timeoutMillis) {
        long remaining = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (!woken && !closing && completions.isEmpty() && remaining > 0) remaining = signal.awaitNanos(remaining);
            boolean wasWoken = woken;
            woken = false;
            return wasWoken;
        } catch (InterruptedException e) {
            // only close() interrupts, after its timeout: what is in flight is abandoned and redelivered later
            closing = true;
            Thread.currentThread().interrupt();
            return false;
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

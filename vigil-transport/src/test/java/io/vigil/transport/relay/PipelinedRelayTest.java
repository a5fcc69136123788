package io.vigil.transport.relay;

import io.vigil.backoff.BackoffPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay with a sink that takes batches and several requests at once. */
class PipelinedRelayTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final InMemoryOutbox outbox = new InMemoryOutbox();
    private final ScheduledExecutorService receiver = Executors.newScheduledThreadPool(4);
    private OutboxRelay relay;

    @AfterEach
    void close() {
        if (relay != null) relay.close();
        receiver.shutdownNow();
    }

    /** Acknowledges each batch a little later on another thread; fails the first {@code failures} batches. */
    private final class BatchingSink implements Sink {
        final List<List<OutboxRecord>> batches = new CopyOnWriteArrayList<>();
        final List<OutboxRecord> received = new CopyOnWriteArrayList<>();
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger mostOutstanding = new AtomicInteger();
        final AtomicInteger failuresToInject = new AtomicInteger();
        final int maxBatch;
        final long maxDelay;

        BatchingSink(int maxBatch, long maxDelay) {
            this.maxBatch = maxBatch;
            this.maxDelay = maxDelay;
        }

        @Override
        public String name() {
            return "batching";
        }

        @Override
        public CompletionStage<Void> deliver(OutboxRecord record) {
            return deliverBatch(List.of(record));
        }

        @Override
        public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
            assertThat(records.size()).isBetween(1, maxBatch);
            mostOutstanding.accumulateAndGet(outstanding.incrementAndGet(), Math::max);
            batches.add(records);
            CompletableFuture<Void> done = new CompletableFuture<>();
            boolean fail = failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            receiver.schedule(() -> {
                outstanding.decrementAndGet();
                if (fail) {
                    done.completeExceptionally(new IllegalStateException("receiver answered 503"));
                } else {
                    received.addAll(records);
                    done.complete(null);
                }
            }, 2, TimeUnit.MILLISECONDS);
            return done;
        }

        @Override
        public int maxBatch() {
            return maxBatch;
        }

        @Override
        public long maxBatchDelayMillis() {
            return maxDelay;
        }

        @Override
        public int maxInFlight() {
            return 4;
        }
    }

    private RelaySettings fast() {
        return RelaySettings.defaults().withBackoff(BackoffPolicy.fixed(Duration.ofMillis(5))).withPollInterval(Duration.ofMillis(20));
    }

    private static void assertPerSourceOrder(List<OutboxRecord> received) {
        Map<String, Long> last = new HashMap<>();
        for (OutboxRecord r : received) {
            Long before = last.put(r.sourceName(), r.seq());
            assertThat(before == null || before < r.seq()).as("%s: seq %s after %s", r.sourceName(), r.seq(), before).isTrue();
        }
    }

    @Test
    void batchesFromSeveralLanesAreInFlightAtOnceAndEachSourceKeepsItsOrder() {
        BatchingSink sink = new BatchingSink(10, 0);
        for (int i = 0; i < 2000; i++) outbox.append("vnf-" + (i % 37), i % 2 == 0 ? "ONSET" : "ABATED", "{}");
        relay = OutboxRelay.start(sink, outbox, fast());

        await().atMost(DEADLINE).until(() -> relay.delivered() == 2000);
        assertThat(copy(sink.received)).hasSize(2000);
        assertPerSourceOrder(sink.received);
        assertThat(sink.mostOutstanding.get()).as("requests in flight at once").isGreaterThan(1).isLessThanOrEqualTo(4);
        assertThat(sink.batches.stream().mapToInt(List::size).max().orElse(0)).as("records per request").isGreaterThan(1);
        await().atMost(DEADLINE).until(() -> outbox.cursor("batching") == 2000);
        assertThat(relay.lagRecords()).isZero();
    }

    @Test
    void aFailedBatchIsRetriedWholeAndNothingIsLostOrReordered() {
        BatchingSink sink = new BatchingSink(5, 0);
        sink.failuresToInject.set(7);
        for (int i = 0; i < 500; i++) outbox.append("vnf-" + (i % 11), "ONSET", "{}");
        relay = OutboxRelay.start(sink, outbox, fast());

        await().atMost(DEADLINE).until(() -> relay.delivered() == 500);
        assertThat(relay.failedAttempts()).isEqualTo(7);
        assertThat(copy(sink.received)).extracting(OutboxRecord::seq).doesNotHaveDuplicates().hasSize(500);
        assertPerSourceOrder(sink.received);
        await().atMost(DEADLINE).until(() -> outbox.cursor("batching") == 500);
    }

    @Test
    void aPartialBatchWaitsForMaxDelayOnTheRelayClock() {
        AtomicLong now = new AtomicLong(1_000_000);
        Clock manual = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
        BatchingSink sink = new BatchingSink(100, 1000);
        relay = OutboxRelay.start(sink, outbox, fast().withClock(manual));
        for (int i = 0; i < 3; i++) outbox.append("vnf-1", i % 2 == 0 ? "ONSET" : "ABATED", "{}"); // one source: one lane
        relay.wakeUp();

        await().during(Duration.ofMillis(300)).atMost(DEADLINE).until(() -> sink.batches.isEmpty());
        now.addAndGet(999);
        relay.wakeUp();
        await().during(Duration.ofMillis(200)).atMost(DEADLINE).until(() -> sink.batches.isEmpty());
        now.addAndGet(1);
        relay.wakeUp();

        await().atMost(DEADLINE).until(() -> relay.delivered() == 3);
        assertThat(sink.batches).hasSize(1);
        assertThat(sink.batches.getFirst()).extracting(OutboxRecord::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void stagesReportDecisionJournalHandOverAndAcknowledgement() {
        BatchingSink sink = new BatchingSink(10, 0);
        List<long[]> stages = new CopyOnWriteArrayList<>();
        relay = OutboxRelay.start(sink, outbox, fast());
        relay.observeStages((r, handed, acked) -> stages.add(new long[] {r.createdAtMillis(), r.journaledAtMillis(), handed, acked}));
        outbox.append("vnf-1", "ONSET", "{}");
        relay.wakeUp();

        await().atMost(DEADLINE).until(() -> stages.size() == 1);
        long[] s = stages.getFirst();
        assertThat(s[0]).isLessThanOrEqualTo(s[1]);
        assertThat(s[1]).isLessThanOrEqualTo(s[2]);
        assertThat(s[2]).isLessThanOrEqualTo(s[3]);
    }

    private static List<OutboxRecord> copy(List<OutboxRecord> l) {
        return new ArrayList<>(l);
    }
}

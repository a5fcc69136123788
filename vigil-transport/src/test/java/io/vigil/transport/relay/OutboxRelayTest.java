package io.vigil.transport.relay;

import io.vigil.backoff.BackoffPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private final InMemoryOutbox outbox = new InMemoryOutbox();
    private final ScriptedSink sink = new ScriptedSink("test-sink");
    private final List<Integer> backoffRequests = new CopyOnWriteArrayList<>();
    /** Millisecond pauses so retries happen fast; records which failure counts asked for a delay. */
    private final BackoffPolicy fastBackoff = failures -> {
        backoffRequests.add(failures);
        return Duration.ofMillis(1);
    };
    private OutboxRelay relay;

    @AfterEach
    void closeRelay() {
        if (relay != null) relay.close();
    }

    private OutboxRelay start(RelaySettings settings) {
        relay = OutboxRelay.start(sink, outbox, settings);
        return relay;
    }

    private RelaySettings fast() {
        return RelaySettings.defaults().withBackoff(fastBackoff).withPollInterval(Duration.ofMillis(20));
    }

    private void append(int n) {
        for (int i = 0; i < n; i++) outbox.append("vnf-" + i, "ONSET", "{\"n\":" + i + "}");
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    @Test
    void deliversEveryRecordInSeqOrderAcrossBatchesAndMovesTheCursor() {
        append(250);
        start(fast().withBatchSize(100));

        await().atMost(DEADLINE).until(() -> relay.delivered() == 250);
        assertThat(sink.accepted()).containsExactlyElementsOf(seqs(1, 250));
        assertThat(outbox.cursor("test-sink")).isEqualTo(250);
        assertThat(relay.lastAcknowledgedSeq()).isEqualTo(250);
        assertThat(relay.lagRecords()).isZero();
        assertThat(relay.lastDeliveryLatencyNanos()).isPositive();
        assertThat(sink.sawConcurrentCall()).as("one delivery at a time").isFalse();
    }

    @Test
    void eachAcceptedDeliveryReportsTheRecordsAgeRetriesIncluded() {
        List<Long> ages = new CopyOnWriteArrayList<>();
        sink.failNext(3);
        start(fast()).observeDeliveryAges(ages::add);
        append(5); // after the observer is in place; the relay polls every 20 ms

        await().atMost(DEADLINE).until(() -> ages.size() == 5);
        assertThat(ages).allSatisfy(age -> assertThat(age).isBetween(0L, DEADLINE.toMillis()));
        assertThat(relay.failedAttempts()).as("failed attempts report nothing").isEqualTo(3);
    }

    @Test
    void failedDeliveryIsRetriedWithGrowingBackoffAndNoRecordIsSkipped() {
        sink.failNext(5);
        append(10);
        start(fast());

        await().atMost(DEADLINE).until(() -> relay.delivered() == 10);
        assertThat(sink.accepted()).containsExactlyElementsOf(seqs(1, 10));
        assertThat(sink.attempts()).startsWith(1L, 1L, 1L, 1L, 1L, 1L, 2L);
        assertThat(relay.failedAttempts()).isEqualTo(5);
        assertThat(backoffRequests).containsExactly(1, 2, 3, 4, 5);
        assertThat(relay.currentBackoffMillis()).isZero();
    }

    @Test
    void sinkDownForManyAttemptsKeepsEveryRecordUntilItRecovers() {
        sink.setFailing(true);
        append(5);
        start(fast());

        await().atMost(DEADLINE).until(() -> relay.failedAttempts() >= 50);
        assertThat(sink.accepted()).isEmpty();
        assertThat(outbox.cursor("test-sink")).isZero();
        assertThat(sink.attempts()).containsOnly(1L);
        assertThat(relay.lagRecords()).isEqualTo(5);
        assertThat(relay.oldestUndeliveredAgeMillis()).isGreaterThanOrEqualTo(0);

        sink.setFailing(false);
        await().atMost(DEADLINE).until(() -> relay.delivered() == 5);
        assertThat(sink.accepted()).containsExactlyElementsOf(seqs(1, 5));
        assertThat(relay.oldestUndeliveredAgeMillis()).isZero();
    }

    @Test
    void wakeUpDeliversNewRecordsWithoutWaitingForThePoll() {
        append(1);
        start(fast().withPollInterval(Duration.ofHours(1)));
        await().atMost(DEADLINE).until(() -> relay.delivered() == 1);

        append(1);
        relay.wakeUp();

        await().atMost(DEADLINE).until(() -> relay.delivered() == 2); // the periodic poll is an hour away
        assertThat(sink.accepted()).containsExactly(1L, 2L);
    }

    @Test
    void periodicPollFindsNewRecordsWhenNobodyWakesTheRelay() {
        append(1);
        start(fast().withPollInterval(Duration.ofMillis(50)));
        await().atMost(DEADLINE).until(() -> relay.delivered() == 1);

        append(1);

        await().atMost(DEADLINE).until(() -> relay.delivered() == 2);
    }

    @Test
    void outboxQueryFailuresAreRetriedAndNothingIsLost() {
        outbox.failNextCalls(3);
        append(3);
        start(fast());

        await().atMost(DEADLINE).until(() -> relay.delivered() == 3);
        assertThat(sink.accepted()).containsExactly(1L, 2L, 3L);
        assertThat(outbox.cursor("test-sink")).isEqualTo(3);
    }

    @Test
    void closeWaitsForTheInFlightDeliveryAcknowledgesItAndStartsNoOther() throws Exception {
        CompletableFuture<Void> gate = sink.holdNext();
        append(2);
        start(fast());
        await().atMost(DEADLINE).until(() -> sink.attempts().contains(1L));

        CompletableFuture<Void> closed = CompletableFuture.runAsync(relay::close);
        await().during(Duration.ofMillis(100)).atMost(DEADLINE).until(() -> !closed.isDone());
        gate.complete(null);
        closed.get(5, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(outbox.cursor("test-sink")).isEqualTo(1);
        assertThat(sink.attempts()).containsExactly(1L);
        assertThat(relay.isRunning()).isFalse();
    }

    @Test
    void closeEndsALongBackoffPauseAtOnce() throws Exception {
        sink.setFailing(true);
        append(1);
        start(fast().withBackoff(BackoffPolicy.fixed(Duration.ofHours(1))));
        await().atMost(DEADLINE).until(() -> relay.currentBackoffMillis() == Duration.ofHours(1).toMillis());

        CompletableFuture.runAsync(relay::close).get(2, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(relay.isRunning()).isFalse();
        assertThat(outbox.cursor("test-sink")).isZero();
    }
}

package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.server.CapturedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alarm path's warm-up runs real storms through a scratch store, quietly, and leaves nothing behind. */
class AlarmPathWarmUpTest {
    @TempDir
    Path parent;

    @Test
    void everyStormOfTheWarmUpIsDeliveredAndItsScratchStoreIsDeletedAfterwards() throws Exception {
        try (CapturedLog log = CapturedLog.of("io.vigil")) {
            // more sources than the admission bucket's first second (10,000): all are tracked, none refused
            AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 12_000, 2, () -> false);

            assertThat(r.storms()).isEqualTo(3); // two ONSET storms, an ABATED storm between them
            assertThat(r.events()).as("each storm's events reached the discarding sink").isEqualTo(3 * 12_000);
            assertThat(log.lines()).as("operators see one store and one engine: the configured ones").isEmpty();
        }
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }

    @Test
    void aStopAskedForInTheMiddleOfAStormEndsTheWarmUpSoonAndStillDeletesItsScratchStore() throws Exception {
        // the stop is asked only while storms run (between their steps), after ~100 ms of the first one
        AtomicInteger asked = new AtomicInteger();
        long started = System.nanoTime();
        assertThatThrownBy(() -> AlarmPathWarmUp.run(parent.resolve("warm-up"), 20_000, 3, () -> asked.incrementAndGet() > 20))
                .isInstanceOf(AlarmPathWarmUp.Stopped.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a stop does not wait for the storms to end")
                .isLessThan(Duration.ofSeconds(60));
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }

    @Test
    void whatAKilledWarmUpLeftBehindIsClearedByTheNextOne() throws Exception {
        Path dir = parent.resolve("warm-up");
        Files.createDirectories(dir.resolve("old"));
        Files.writeString(dir.resolve("old/vigil.mv.db"), "left by a process killed in its warm-up");

        AlarmPathWarmUp.run(dir, 100, 1, () -> false);

        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void everyStormAlsoGoesThroughTheCallersSinksAndOneThatFailsDoesNotHoldItUp() throws Exception {
        AtomicLong taken = new AtomicLong();
        Sink batching = new Sink() {
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
                taken.addAndGet(records.size());
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public int maxBatch() {
                return 100;
            }
        };
        Sink failing = new Sink() {
            @Override
            public String name() {
                return "failing";
            }

            @Override
            public CompletionStage<Void> deliver(OutboxRecord record) {
                return CompletableFuture.failedFuture(new IllegalStateException("down"));
            }
        };

        AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent.resolve("warm-up"), 300, 2, () -> false, List.of(batching, failing));

        assertThat(r.events()).isEqualTo(3 * 300);
        assertThat(taken.get()).as("each storm's events went through the caller's sink too").isEqualTo(3 * 300);
    }
}

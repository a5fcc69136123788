package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.server.CapturedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
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
            AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(parent, 12_000, 2, () -> false);

            assertThat(r.storms()).isEqualTo(3); // two ONSET storms, an ABATED storm between them
            assertThat(r.events()).as("each storm's events reached the discarding sink").isEqualTo(3 * 12_000);
            assertThat(log.lines()).as("operators see one store and one engine: the configured ones").isEmpty();
        }
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }

    @Test
    void aStopAskedForEndsTheWarmUpEarlyAndStillDeletesItsScratchStore() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        Thread asker = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(200); // a stop in the middle of the warm-up's storms
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
        });
        // 5 storms of 20,000 (100,000 events through the store) take seconds, far longer than the 200 ms before the stop
        assertThatThrownBy(() -> AlarmPathWarmUp.run(parent, 20_000, 3, stop::get)).isInstanceOf(AlarmPathWarmUp.Stopped.class);
        asker.join();
        try (Stream<Path> left = Files.list(parent)) {
            assertThat(left).as("the scratch store is deleted").isEmpty();
        }
    }
}

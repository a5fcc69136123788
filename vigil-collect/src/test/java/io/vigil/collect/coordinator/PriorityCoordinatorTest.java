package io.vigil.collect.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PriorityCoordinatorTest {
    @Test
    void liveChangesAreTakenBeforeBulkAnswersThatArrivedEarlier() throws Exception {
        PriorityCoordinator<String> q = new PriorityCoordinator<>();
        q.submitBulk("all-1");
        q.submitBulk("all-2");
        q.submitLive("changes-1");
        q.submitLive("changes-2");
        assertThat(new String[] {q.take(0), q.take(0), q.take(0), q.take(0)})
                .containsExactly("changes-1", "changes-2", "all-1", "all-2");
        assertThat(q.take(0)).isNull();
    }

    @Test
    void closeWakesTheConsumerAndDropsLaterWork() throws Exception {
        PriorityCoordinator<String> q = new PriorityCoordinator<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                q.take(60_000);
            } catch (InterruptedException ignored) {
                // done
            }
        });
        q.close();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        q.submitLive("late");
        assertThat(q.size()).isZero();
    }
}

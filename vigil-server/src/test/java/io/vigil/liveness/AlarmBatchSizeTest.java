package io.vigil.liveness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlarmBatchSizeTest {

    @Test
    void startsAtTheFirstLimit() {
        assertThat(new AlarmBatchSize().limit()).isEqualTo(AlarmBatchSize.FIRST);
    }

    @Test
    void aShallowQueueKeepsTheLimitSoALoneOnsetIsWrittenAlone() {
        AlarmBatchSize size = new AlarmBatchSize();
        size.taken(1, 0);
        size.taken(3, 0);
        assertThat(size.limit()).isEqualTo(AlarmBatchSize.FIRST);
    }

    @Test
    void aStormDoublesTheLimitAfterEachFullTransactionUpToTheMaximum() {
        AlarmBatchSize size = new AlarmBatchSize();
        int waiting = 100_000;
        int[] limits = new int[7];
        for (int i = 0; i < limits.length; i++) {
            limits[i] = size.limit();
            waiting -= size.limit();
            size.taken(limits[i], waiting);
        }
        assertThat(limits).containsExactly(1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000);
    }

    @Test
    void aTransactionThatWasNotFullDoesNotGrowTheLimit() {
        AlarmBatchSize size = new AlarmBatchSize();
        size.taken(400, 10); // events arrived while it was written, but it did not fill: no storm
        assertThat(size.limit()).isEqualTo(AlarmBatchSize.FIRST);
    }

    @Test
    void anEmptiedQueueResetsTheLimit() {
        AlarmBatchSize size = new AlarmBatchSize();
        size.taken(1_000, 50_000);
        size.taken(2_000, 48_000);
        assertThat(size.limit()).isEqualTo(4_000);
        size.taken(4_000, 0);
        assertThat(size.limit()).isEqualTo(AlarmBatchSize.FIRST);
    }
}

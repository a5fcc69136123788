package io.vigil.transport.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class HandedRecordsTest {
    private static final TopicPartition P0 = new TopicPartition("hb", 0);
    private static final TopicPartition P1 = new TopicPartition("hb", 1);

    private final HandedRecords handed = new HandedRecords();

    @Test
    void aRecordReadAgainAfterARejoinIsSkipped() {
        assertThat(handed.seenBefore(P0, 10, 1_000)).isFalse();
        assertThat(handed.seenBefore(P0, 11, 1_100)).isFalse();
        assertThat(handed.seenBefore(P0, 12, 1_200)).isFalse();
        // the group rejoined and the partition is read again from the last commit (offset 11)
        assertThat(handed.seenBefore(P0, 11, 1_100)).isTrue();
        assertThat(handed.seenBefore(P0, 12, 1_200)).isTrue();
        assertThat(handed.seenBefore(P0, 13, 1_300)).isFalse();
    }

    @Test
    void producersWithSkewedClocksAreStillRecognisedOnReRead() {
        // offsets 20 and 21 from two producers, the second one's clock behind the first's
        handed.seenBefore(P0, 20, 5_000);
        handed.seenBefore(P0, 21, 4_000);
        assertThat(handed.seenBefore(P0, 20, 5_000)).isTrue();
        assertThat(handed.seenBefore(P0, 21, 4_000)).isTrue();
    }

    @Test
    void aRecreatedTopicStartingOverAtOffsetZeroIsNeverSilenced() {
        handed.seenBefore(P0, 1_000_000, 1_000);
        // the topic was deleted and created again: offsets start over, with new timestamps
        assertThat(handed.seenBefore(P0, 0, 2_000)).isFalse();
        assertThat(handed.seenBefore(P0, 1, 2_001)).isFalse();
        assertThat(handed.seenBefore(P0, 2, 1_500)).isFalse(); // an older producer clock, above the new mark
        assertThat(handed.seenBefore(P0, 1, 2_001)).isTrue(); // and a re-read of the new log is still skipped
    }

    @Test
    void aRecordWithoutATimestampIsNeverSkipped() {
        handed.seenBefore(P0, 5, 1_000);
        assertThat(handed.seenBefore(P0, 4, -1)).isFalse();
    }

    @Test
    void partitionsAreJudgedApart() {
        handed.seenBefore(P0, 100, 1_000);
        assertThat(handed.seenBefore(P1, 3, 900)).isFalse();
        assertThat(handed.seenBefore(P1, 3, 900)).isTrue();
    }
}

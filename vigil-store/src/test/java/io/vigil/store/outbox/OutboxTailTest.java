package io.vigil.store.outbox;

import io.vigil.delivery.OutboxRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTailTest {

    /** Rows {@code before+1 … before+n} as a writer hands them over, each with a payload of {@code payloadChars}. */
    private static List<OutboxRecord> rows(long before, int n, int payloadChars) {
        List<OutboxRecord> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            long seq = before + i;
            out.add(new OutboxRecord(seq, "e" + seq, "hb", "s" + seq, "ONSET", "x".repeat(payloadChars), seq, seq));
        }
        return out;
    }

    private static List<Long> seqs(List<OutboxRecord> records) {
        return records.stream().map(OutboxRecord::seq).toList();
    }

    @Test
    void servesTheRowsAfterAPositionInsideWhatItHolds() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        tail.committed(10, rows(10, 5, 10));
        tail.committed(15, rows(15, 5, 10));

        assertThat(seqs(tail.after(10, 100))).containsExactly(11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L);
        assertThat(seqs(tail.after(13, 4))).containsExactly(14L, 15L, 16L, 17L);
        assertThat(tail.servedRecords()).isEqualTo(14);
    }

    @Test
    void sendsToTheStoreWhatLiesBeforeOrAfterWhatItHolds() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        assertThat(tail.after(0, 10)).as("nothing held yet").isNull();
        tail.committed(10, rows(10, 5, 10));

        assertThat(tail.after(9, 10)).as("row 10 was committed before the tail heard of any").isNull();
        assertThat(tail.after(15, 10)).as("nothing known after the last row: a commit may be on its way").isNull();
        assertThat(tail.missedReads()).isEqualTo(3);
    }

    @Test
    void aCommitThatDoesNotContinueTheRunStartsANewOne() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        tail.committed(10, rows(10, 5, 10));
        tail.committed(17, rows(17, 3, 10)); // rows 16-17 were written by another process

        assertThat(tail.after(12, 10)).as("16 and 17 are unknown here").isNull();
        assertThat(tail.after(15, 10)).isNull();
        assertThat(seqs(tail.after(17, 10))).containsExactly(18L, 19L, 20L);
    }

    @Test
    void anEarlierCommitArrivingLateReplacesTheRunWithItsOwnRows() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        tail.committed(10, rows(10, 5, 10)); // the second writer's commit is added first
        tail.committed(0, rows(0, 10, 10));

        assertThat(seqs(tail.after(5, 100))).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(tail.after(10, 100)).as("11-15 were forgotten, not invented").isNull();
    }

    @Test
    void dropsItsOldestRowsBeyondItsSize() {
        OutboxTail tail = new OutboxTail(10 * (256 + 100));
        tail.committed(0, rows(0, 8, 100));
        tail.committed(8, rows(8, 8, 100));

        assertThat(tail.after(5, 100)).as("dropped").isNull();
        assertThat(seqs(tail.after(6, 100))).containsExactly(7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L);
        tail.committed(16, rows(16, 2000, 100)); // one commit larger than the tail: it keeps the newest
        assertThat(tail.lastSeq()).isEqualTo(2016);
        assertThat(seqs(tail.after(2006, 100))).hasSize(10).endsWith(2016L);
        assertThat(tail.after(2005, 100)).isNull();
    }

    @Test
    void holdsRowsAcrossManyCommitsInOrder() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        long before = 0;
        for (int commit = 0; commit < 500; commit++) {
            int n = 1 + commit % 7;
            tail.committed(before, rows(before, n, 5));
            before += n;
        }
        List<OutboxRecord> all = tail.after(0, Integer.MAX_VALUE);
        assertThat(all).hasSize((int) before);
        assertThat(seqs(all)).isSorted().startsWith(1L).endsWith(before);
        assertThat(all).allSatisfy(r -> assertThat(r.eventId()).isEqualTo("e" + r.seq()));
    }

    @Test
    void forgettingLeavesEveryReadToTheStoreUntilTheNextCommit() {
        OutboxTail tail = new OutboxTail(OutboxTail.DEFAULT_MAX_BYTES);
        tail.committed(0, rows(0, 5, 10));
        tail.forget();

        assertThat(tail.after(0, 10)).isNull();
        assertThat(tail.lastSeq()).isEqualTo(-1);
        tail.committed(5, rows(5, 2, 10));
        assertThat(tail.after(4, 10)).isNull();
        assertThat(seqs(tail.after(5, 10))).containsExactly(6L, 7L);
    }

    @Test
    void aTailOfSizeZeroHoldsNothing() {
        OutboxTail tail = new OutboxTail(0);
        tail.committed(0, rows(0, 5, 10));
        assertThat(tail.after(0, 10)).isNull();
    }
}

package io.vigil.transport.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.delivery.OutboxRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The relay's batching, lane and cursor rules, on a manual clock (times are plain arguments). */
class DeliveryWindowTest {

    private long nextSeq = 1;

    private OutboxRecord record(String source) {
        long seq = nextSeq++;
        return new OutboxRecord(seq, "evt-" + seq, "Heartbeat_vDNS", source, "ONSET", "{}", 0);
    }

    private List<OutboxRecord> records(String... sources) {
        List<OutboxRecord> out = new ArrayList<>();
        for (String s : sources) out.add(record(s));
        return out;
    }

    private static List<Long> seqs(DeliveryWindow.Batch b) {
        return b.records().stream().map(OutboxRecord::seq).toList();
    }

    @Test
    void withoutDelayAnIdleLaneSendsWhatItHoldsAtOnce() {
        DeliveryWindow w = new DeliveryWindow(1, 10, 0, 100);
        w.add(records("a", "b", "c"), 1000);

        List<DeliveryWindow.Batch> ready = w.ready(1000);

        assertThat(ready).hasSize(1);
        assertThat(seqs(ready.getFirst())).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBatchWaitsForMaxDelayUnlessItIsFull() {
        DeliveryWindow w = new DeliveryWindow(1, 3, 50, 100);
        w.add(records("a", "b"), 1000);

        assertThat(w.ready(1049)).as("two of three, 49 ms after the first came").isEmpty();
        assertThat(w.nextDueMillis(1049)).isEqualTo(1050);
        List<DeliveryWindow.Batch> late = w.ready(1050);
        assertThat(late).hasSize(1);
        assertThat(seqs(late.getFirst())).containsExactly(1L, 2L);

        w.succeeded(late.getFirst());
        w.add(records("a", "b", "c", "d"), 2000);
        List<DeliveryWindow.Batch> full = w.ready(2000);
        assertThat(seqs(full.getFirst())).as("a full batch goes at once").containsExactly(3L, 4L, 5L);
    }

    @Test
    void theDelayCountsFromTheOldestWaitingRecordNotFromTheLastSend() {
        DeliveryWindow w = new DeliveryWindow(1, 2, 50, 100);
        w.add(records("a", "b", "c"), 1000);
        DeliveryWindow.Batch first = w.ready(1000).getFirst();
        w.succeeded(first);

        assertThat(w.ready(1049)).isEmpty();
        assertThat(seqs(w.ready(1050).getFirst())).containsExactly(3L);
    }

    @Test
    void aLaneHasOneBatchInFlightSoASourceNeverHasTwo() {
        DeliveryWindow w = new DeliveryWindow(4, 1, 0, 100);
        w.add(records("same", "same", "same"), 0);

        List<DeliveryWindow.Batch> ready = w.ready(0);
        assertThat(ready).hasSize(1);
        assertThat(seqs(ready.getFirst())).containsExactly(1L);
        assertThat(w.ready(0)).as("the next record of that source waits").isEmpty();

        w.succeeded(ready.getFirst());
        assertThat(seqs(w.ready(0).getFirst())).containsExactly(2L);
    }

    @Test
    void differentSourcesGoInParallelUpToTheLaneCount() {
        DeliveryWindow w = new DeliveryWindow(4, 1, 0, 100);
        for (int i = 0; i < 40; i++) w.add(List.of(record("vnf-" + i)), 0);

        List<DeliveryWindow.Batch> ready = w.ready(0);

        assertThat(ready).hasSize(4);
        assertThat(w.inFlight()).isEqualTo(4);
    }

    @Test
    void aFailedBatchIsSentAgainWholeAfterItsRetryTimeWhileOtherLanesGoOn() {
        DeliveryWindow w = new DeliveryWindow(2, 10, 0, 100);
        // find two sources in different lanes
        String a = "vnf-0", b = null;
        for (int i = 1; b == null; i++) {
            if (Math.floorMod(("vnf-" + i).hashCode(), 2) != Math.floorMod(a.hashCode(), 2)) b = "vnf-" + i;
        }
        w.add(records(a, a), 0);
        List<DeliveryWindow.Batch> first = w.ready(0);
        assertThat(w.failed(first.getFirst(), 500)).isEqualTo(1);

        w.add(records(b, a), 10);
        List<DeliveryWindow.Batch> meanwhile = w.ready(10);
        assertThat(meanwhile).hasSize(1);
        assertThat(seqs(meanwhile.getFirst())).as("the other lane").containsExactly(3L);
        w.succeeded(meanwhile.getFirst());
        assertThat(w.deliveredThrough()).as("the cursor waits for the failed records before it").isZero();
        assertThat(w.nextDueMillis(10)).isEqualTo(500);

        assertThat(w.ready(499)).isEmpty();
        List<DeliveryWindow.Batch> retry = w.ready(500);
        assertThat(seqs(retry.getFirst())).as("the failed records again, with the one that came meanwhile").containsExactly(1L, 2L, 4L);
        assertThat(w.succeeded(retry.getFirst())).as("failures before this success").isEqualTo(1);
        assertThat(w.deliveredThrough()).isEqualTo(4);
        assertThat(w.isEmpty()).isTrue();
    }

    @Test
    void roomShrinksWithHeldRecordsAndGrowsWhenTheCursorCanMove() {
        DeliveryWindow w = new DeliveryWindow(1, 2, 0, 3);
        w.add(records("a", "b", "c"), 0);
        assertThat(w.room()).isZero();
        w.succeeded(w.ready(0).getFirst());
        assertThat(w.room()).isEqualTo(2);
        assertThat(w.deliveredThrough()).isEqualTo(2);
        assertThat(w.oldestUndelivered().seq()).isEqualTo(3);
    }

    @Test
    void randomOutcomesKeepPerSourceOrderAndTheCursorGapless() {
        Random random = new Random(42);
        DeliveryWindow w = new DeliveryWindow(4, 5, 0, 64);
        Map<String, Long> lastAcked = new HashMap<>();
        List<DeliveryWindow.Batch> inFlight = new ArrayList<>();
        long acknowledged = 0;
        long now = 0;
        for (int round = 0; acknowledged < 2000 && round < 100_000; round++) {
            now++;
            while (w.room() > 0 && nextSeq <= 2000) w.add(List.of(record("vnf-" + random.nextInt(20))), now);
            inFlight.addAll(w.ready(now));
            if (inFlight.isEmpty()) continue;
            DeliveryWindow.Batch done = inFlight.remove(random.nextInt(inFlight.size()));
            if (random.nextInt(4) == 0) {
                w.failed(done, now + random.nextInt(3));
                continue;
            }
            for (OutboxRecord r : done.records()) {
                Long before = lastAcked.put(r.sourceName(), r.seq());
                assertThat(before == null || before < r.seq()).as("source %s in order", r.sourceName()).isTrue();
            }
            acknowledged += done.records().size();
            w.succeeded(done);
        }
        assertThat(acknowledged).isEqualTo(2000);
        assertThat(w.deliveredThrough()).isEqualTo(2000);
    }
}

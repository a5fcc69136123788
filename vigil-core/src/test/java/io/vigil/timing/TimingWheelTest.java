package io.vigil.timing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The wheel against a reference model (a priority queue): same entries fire at the same advance. */
class TimingWheelTest {
    static final class Item extends TimingWheel.Entry {
        final int id;

        Item(int id) {
            this.id = id;
        }
    }

    @Test
    void firesEveryEntryAtTheFirstAdvanceAtOrAfterItsDeadlineLikeAReferenceModel() {
        Random r = new Random(42);
        long now = 1_000_000;
        TimingWheel<Item> wheel = new TimingWheel<>(64, 4, now);
        PriorityQueue<long[]> model = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        Item[] items = new Item[2000];
        for (int i = 0; i < items.length; i++) {
            items[i] = new Item(i);
            long d = now + r.nextInt(5000); // far beyond the wheel span (256 ms)
            wheel.schedule(items[i], d);
            model.add(new long[] {d, i});
        }
        while (!model.isEmpty()) {
            now += 1 + r.nextInt(r.nextBoolean() ? 3 : 700);
            List<Integer> fired = new ArrayList<>();
            wheel.advance(now, (e, t) -> fired.add(e.id));
            List<Integer> expected = new ArrayList<>();
            while (!model.isEmpty() && model.peek()[0] <= now) expected.add((int) model.poll()[1]);
            assertThat(fired).containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(wheel.size()).isZero();
    }

    @Test
    void rescheduleAndCancelMoveOrRemoveTheEntry() {
        TimingWheel<Item> wheel = new TimingWheel<>(16, 1, 0);
        Item a = new Item(1);
        wheel.schedule(a, 10);
        wheel.schedule(a, 20);
        List<Integer> fired = new ArrayList<>();
        wheel.advance(15, (e, t) -> fired.add(e.id));
        assertThat(fired).isEmpty();
        wheel.cancel(a);
        wheel.advance(100, (e, t) -> fired.add(e.id));
        assertThat(fired).isEmpty();
        assertThat(wheel.size()).isZero();
    }

    @Test
    void pastDeadlineFiresAtTheNextAdvance() {
        TimingWheel<Item> wheel = new TimingWheel<>(16, 10, 1000);
        Item a = new Item(1);
        wheel.schedule(a, 5);
        List<Integer> fired = new ArrayList<>();
        wheel.advance(1000, (e, t) -> fired.add(e.id));
        assertThat(fired).containsExactly(1);
    }

    @Test
    void callbacksThatCancelOrRescheduleOtherEntriesMidWalkNeverMakeAnEntryFireEarlyTwiceOrNever() {
        Random r = new Random(7);
        long[] now = {0};
        TimingWheel<Item> wheel = new TimingWheel<>(32, 4, 0);
        int n = 3000;
        Item[] items = new Item[n];
        long[] deadline = new long[n]; // the model: the current deadline, or -1 when not scheduled
        boolean[] addedThisCall = new boolean[n];
        for (int i = 0; i < n; i++) {
            items[i] = new Item(i);
            deadline[i] = r.nextInt(400); // many share a bucket: several chunks per bucket
            wheel.schedule(items[i], deadline[i]);
        }
        for (int round = 0; round < 400; round++) {
            now[0] += 1 + r.nextInt(r.nextBoolean() ? 4 : 300);
            java.util.Arrays.fill(addedThisCall, false);
            wheel.advance(now[0], (e, t) -> {
                assertThat(addedThisCall[e.id]).as("scheduled at <= now by a callback of this call").isFalse();
                assertThat(deadline[e.id]).as("fired while scheduled, not before its deadline").isBetween(0L, t);
                deadline[e.id] = -1;
                Item other = items[r.nextInt(n)];
                if (r.nextBoolean()) {
                    wheel.cancel(other);
                    deadline[other.id] = -1;
                } else {
                    long d = t - 5 + r.nextInt(600);
                    wheel.schedule(other, d);
                    deadline[other.id] = d;
                    addedThisCall[other.id] = d <= t;
                }
            });
            for (int i = 0; i < n; i++) {
                if (deadline[i] >= 0 && deadline[i] <= now[0] && !addedThisCall[i]) {
                    throw new AssertionError("item " + i + " due at " + deadline[i] + " did not fire at " + now[0]);
                }
            }
        }
        long scheduled = java.util.Arrays.stream(deadline).filter(d -> d >= 0).count();
        assertThat(wheel.size()).isEqualTo((int) scheduled);
    }

    @Test
    void aWholeFleetInOneBucketFiresInOneAdvanceInSchedulingOrder() {
        TimingWheel<Item> wheel = new TimingWheel<>(16, 4, 0);
        for (int i = 0; i < 10_000; i++) wheel.schedule(new Item(i), 100);
        List<Integer> fired = new ArrayList<>();
        assertThat(wheel.advance(100, (e, t) -> fired.add(e.id))).isEqualTo(10_000);
        assertThat(fired).isSorted().hasSize(10_000);
        assertThat(wheel.size()).isZero();
    }

    @Test
    void anEntryThatReschedulesItselfAtOrBeforeNowFiresAtTheNextAdvanceNotInALoop() {
        TimingWheel<Item> wheel = new TimingWheel<>(16, 4, 0);
        Item a = new Item(1);
        wheel.schedule(a, 10);
        int[] calls = {0};
        TimingWheel.Expiry<Item> again = (e, t) -> {
            calls[0]++;
            wheel.schedule(e, t - 1);
        };
        assertThat(wheel.advance(12, again)).isEqualTo(1);
        assertThat(wheel.advance(12, again)).isEqualTo(1);
        assertThat(calls[0]).isEqualTo(2);
        assertThat(wheel.size()).isEqualTo(1);
    }
}

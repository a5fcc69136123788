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
}

package io.vigil.peer.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shard's read watermark on a manual clock, driven as the event loop drives it: per turn, one
 * {@code readComplete} per socket read, the turn-end task, then (maybe) the tick.
 */
class ReadWatermarkTest {

    /** Open sockets of the shard: up to 3 selects' worth, so a ready socket is returned within 3 selects. */
    private static final int SOCKETS = 2500;
    private long now = 1_000_000;
    private final ReadWatermark watermark = new ReadWatermark(now);

    /** One event loop turn: {@code reads} sockets read, then the task phase (turn end, and a tick if {@code tick}). */
    private long turn(int reads, boolean tick) {
        boolean queued = false;
        for (int i = 0; i < reads; i++) {
            queued |= watermark.readComplete();
        }
        if (queued) {
            watermark.turnEnded();
        }
        return tick ? watermark.tick(now, SOCKETS) : watermark.heardUpTo();
    }

    @Test
    void aTickAfterATurnThatReadEveryReadySocketAdvancesToThePreviousTickStart() {
        now += 10;
        assertThat(turn(200, true)).isEqualTo(1_000_000);
        long previousTick = now;
        now += 10;
        assertThat(turn(300, true)).isEqualTo(previousTick);
        previousTick = now;
        now += 10;
        assertThat(turn(0, true)).as("a turn with nothing to read has caught up").isEqualTo(previousTick);
    }

    @Test
    void aTurnThatMayHaveBeenCutOffBySelectBatchHoldsTheWatermark() {
        now += 10;
        long before = turn(10, true);
        // A reconnect burst: the loop is far behind and one select returns the most the JDK's selector returns.
        now += 50;
        assertThat(turn(ReadWatermark.SELECT_BATCH_MAX, true)).isEqualTo(before);
        long lastCappedTick = now;
        now += 50;
        assertThat(turn(400, true)).as("the first turn that drained the ready set proves the tick before it")
                .isEqualTo(lastCappedTick);
    }

    @Test
    void aSaturatedLoopProvesATickOnceEnoughSelectsHaveServedItsReadySockets() {
        assertThat(ReadWatermark.turnsToDrain(SOCKETS)).isEqualTo(4); // 3 selects of 1024, plus one
        now += 10;
        long before = turn(10, true);
        List<Long> ticks = new ArrayList<>(List.of(now)); // ticks.get(m) ran in turn m + 1
        for (int i = 0; i < 20; i++) {
            now += 40;
            long w = turn(ReadWatermark.SELECT_BATCH_MAX, true); // turn i + 2, cut off
            if (i < 3) {
                assertThat(w).as("turn %d: fewer than 4 selects since any tick", i + 2).isEqualTo(before);
            } else {
                assertThat(w).as("turn %d: the tick 4 turns back", i + 2).isEqualTo(ticks.get(i - 3));
            }
            ticks.add(now);
        }
    }

    @Test
    void moreSocketsNeedMoreSelectsBeforeATickIsProven() {
        now += 10;
        turn(10, true);
        long first = now + 40;
        for (int i = 0; i < 10; i++) {
            now += 40;
            watermark.readComplete();
            for (int r = 1; r < ReadWatermark.SELECT_BATCH_MAX; r++) {
                watermark.readComplete();
            }
            watermark.turnEnded();
            long w = watermark.tick(now, 9 * ReadWatermark.SELECT_BATCH_MAX); // 9 selects to drain, plus one
            assertThat(w).as("turn %d", i).isLessThan(first);
        }
        now += 40;
        turn(ReadWatermark.SELECT_BATCH_MAX, false);
        assertThat(watermark.tick(now, 9 * ReadWatermark.SELECT_BATCH_MAX)).isEqualTo(first);
    }

    @Test
    void onlyTheTurnThatRunsTheTickDecides() {
        now += 10;
        turn(10, true);
        now += 3;
        turn(ReadWatermark.SELECT_BATCH_MAX, false); // a cut-off turn between two ticks
        now += 3;
        long previousTick = now - 6;
        now += 4;
        assertThat(turn(5, true)).as("the tick's own turn selected after the cut-off one and drained it")
                .isEqualTo(previousTick);
    }

    @Test
    void aTickQueuedAheadOfItsTurnsTurnEndCountsThatTurnsReads() {
        now += 10;
        long before = turn(10, true);
        now += 10;
        // The tick was fetched in an earlier turn and runs before this turn's turn-end task: reads still counting.
        for (int i = 0; i < ReadWatermark.SELECT_BATCH_MAX; i++) {
            watermark.readComplete();
        }
        assertThat(watermark.tick(now, SOCKETS)).isEqualTo(before);
        watermark.turnEnded();
    }

    @Test
    void aCutOffTurnWithoutATickIsRememberedUntilTheNextTick() {
        now += 10;
        long before = turn(10, true);
        now += 5;
        turn(ReadWatermark.SELECT_BATCH_MAX, false);
        now += 5;
        assertThat(turn(0, true)).as("no reads since the cut-off turn: conservatively held").isEqualTo(before);
        long previousTick = now;
        now += 10;
        assertThat(turn(0, true)).isEqualTo(previousTick);
    }

    @Test
    void aSuspendedShardsWatermarkStallsAndResumesFromTheResumeTime() {
        now += 10;
        turn(10, true);
        long stalled = turn(0, true);
        watermark.suspend();
        for (int i = 0; i < 50; i++) {
            now += 10;
            assertThat(turn(0, true)).isEqualTo(stalled);
        }
        now += 10;
        long resumedAt = now;
        watermark.resume(now);
        now += 10;
        assertThat(turn(3, true)).as("nothing from the suspended time is proven").isEqualTo(resumedAt);
    }

    @Test
    void theWatermarkNeverPassesTheClock() {
        for (int i = 0; i < 20; i++) {
            now += i % 3 == 0 ? 0 : 7;
            assertThat(turn(i * 37 % 900, true)).isLessThanOrEqualTo(now);
        }
    }
}

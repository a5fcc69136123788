package io.vigil.peer.tcp;

/**
 * One server shard's read watermark (issue 12): a time before which every frame that reached the shard's sockets has
 * been read and handed to the protocol. Sessions are judged silent only up to it, so a shard that is behind on its
 * reads holds its verdicts instead of declaring clients dead whose heartbeats are still waiting in their sockets.
 *
 * <p>The proof comes from the event loop's order of work. Every turn of a Netty event loop selects the ready sockets
 * and reads them, then runs its tasks, the shard's tick among them. So when a tick runs, the sockets that were ready at
 * the select of its own turn (which came after the previous tick started) have been read, and the previous tick's
 * start is a watermark — <em>if that select returned every ready socket</em>. The JDK's epoll selector returns at most
 * {@value #SELECT_BATCH_MAX} per select ({@code sun.nio.ch.EPollSelectorImpl}); a shard whose turn read that many may
 * have left sockets ready and unread, and then exactly when the loop is furthest behind (a reconnect burst of thousands
 * of clients, a cold JIT) the previous tick's start proves nothing. This class counts the reads of each turn: after a
 * turn that read fewer than {@link #CAPPED_AT} sockets, the previous tick's start is the watermark. After a turn that
 * may have been cut off, a tick's start is proven only once enough turns have selected since: epoll hands out its
 * ready sockets first come, first served (the ones a select did not return stay at the front of its ready list, those
 * it returned go to the back), so with {@code C} open sockets every socket ready at a time T has been returned within
 * {@code ceil(C / 1024)} selects that started after T ({@link #turnsToDrain}, plus one for sockets that turned ready
 * while epoll was handing out, which it puts just behind the ones left over). A loop that stays saturated therefore
 * still judges its sessions, a few turns late, and never on a socket it has not read.
 *
 * <p>Events it is told, all on the shard's event loop: {@link #readComplete()} for every socket read (Netty's
 * {@code channelReadComplete}: one per selected readable socket), {@link #turnEnded()} from a task the caller queues on
 * the event loop at the first read of a turn (it runs in the same turn's task phase, before a tick queued after it), and
 * {@link #tick(long)} from the tick. Times come from the caller (the shard's clock): testable on a manual clock.
 *
 * <p>Not thread-safe, except {@link #heardUpTo()}, which any thread may read.
 */
final class ReadWatermark {

    /** Most ready sockets one select of the JDK's epoll selector returns ({@code EPollSelectorImpl.NUM_EPOLLEVENTS}). */
    static final int SELECT_BATCH_MAX = 1024;
    /**
     * A turn that read this many sockets may have been cut off by the selector's batch. The margin below
     * {@link #SELECT_BATCH_MAX} stands for selected keys that were only writable (they fire no read): a socket is that
     * only after its send buffer filled up, i.e. a client that stopped reading and then read again.
     */
    static final int CAPPED_AT = SELECT_BATCH_MAX - 64;

    /** Ticks remembered for the cut-off case; a shard that needs more turns than this to drain holds its watermark. */
    static final int TICKS_KEPT = 64;

    private int readsThisTurn; // reads since the last turnEnded()
    private int lastTurnReads; // reads of the turn whose turnEnded() ran last, until a tick consumes it
    private long turns; // turns with reads whose turnEnded() ran
    // The last TICKS_KEPT ticks: their start and the number of the turn they ran in (its select came before them).
    private final long[] tickAt = new long[TICKS_KEPT];
    private final long[] tickTurn = new long[TICKS_KEPT];
    private long ticks;
    private long previousTickAt;
    private volatile long heardUpTo;
    private boolean suspended;

    ReadWatermark(long now) {
        this.previousTickAt = now;
        this.heardUpTo = now;
    }

    /**
     * One socket was read in this turn.
     *
     * @return true for the turn's first read: the caller queues a task on the event loop that calls
     *         {@link #turnEnded()}
     */
    boolean readComplete() {
        return readsThisTurn++ == 0;
    }

    /** The turn's I/O is over (a task queued at its first read runs). */
    void turnEnded() {
        lastTurnReads = readsThisTurn;
        readsThisTurn = 0;
        turns++;
    }

    /**
     * The tick that runs in the current turn's task phase: advances the watermark to the previous tick's start if the
     * turn's select returned every ready socket, and returns the watermark to judge sessions with (at most {@code now}).
     */
    long tick(long now, int openSockets) {
        // A tick queued ahead of this turn's turnEnded() task sees the turn's reads still counting; else the last turn.
        boolean unmarked = readsThisTurn > 0;
        int turnReads = unmarked ? readsThisTurn : lastTurnReads;
        long turn = unmarked ? turns + 1 : turns; // this turn's number: turns numbered above it selected after now
        lastTurnReads = 0;
        if (!suspended) {
            if (turnReads < CAPPED_AT) {
                heardUpTo = Math.max(heardUpTo, Math.min(previousTickAt, now));
            } else {
                long needed = turnsToDrain(openSockets);
                for (int k = 1; k <= Math.min(ticks, TICKS_KEPT); k++) {
                    int at = (int) ((ticks - k) % TICKS_KEPT);
                    if (turn - tickTurn[at] >= needed) {
                        heardUpTo = Math.max(heardUpTo, Math.min(tickAt[at], now));
                        break;
                    }
                }
            }
        }
        tickAt[(int) (ticks % TICKS_KEPT)] = now;
        tickTurn[(int) (ticks % TICKS_KEPT)] = turn;
        ticks++;
        previousTickAt = now;
        return heardUpTo;
    }

    /** Selects after a time T that return every socket that was ready at T, even if each returns the most it can. */
    static long turnsToDrain(int openSockets) {
        return (Math.max(openSockets, 1) + SELECT_BATCH_MAX - 1) / SELECT_BATCH_MAX + 1;
    }

    /** The shard stops reading: the watermark stalls. */
    void suspend() {
        suspended = true;
    }

    /** The shard reads again from {@code now} on: nothing is proven about the suspended time. */
    void resume(long now) {
        suspended = false;
        previousTickAt = now;
        ticks = 0; // forget the ticks before the suspension: nothing was read then
    }

    /** Every frame that reached the shard's sockets before this time has been read. Readable from any thread. */
    long heardUpTo() {
        return heardUpTo;
    }
}

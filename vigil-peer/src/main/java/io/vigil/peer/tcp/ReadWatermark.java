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
 * of clients, a cold JIT) the previous tick's start proves nothing. This class counts the reads of each turn and lets
 * the watermark advance only after a turn that read fewer than {@link #CAPPED_AT} sockets; otherwise it stays where it
 * was until a turn has caught up (costing no more than the extra turns it takes).
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

    private int readsThisTurn; // reads since the last turnEnded()
    private int lastTurnReads; // reads of the turn whose turnEnded() ran last, until a tick consumes it
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
    }

    /**
     * The tick that runs in the current turn's task phase: advances the watermark to the previous tick's start if the
     * turn's select returned every ready socket, and returns the watermark to judge sessions with (at most {@code now}).
     */
    long tick(long now) {
        // A tick queued ahead of this turn's turnEnded() task sees the turn's reads still counting; else the last turn.
        int turnReads = readsThisTurn > 0 ? readsThisTurn : lastTurnReads;
        lastTurnReads = 0;
        if (!suspended && turnReads < CAPPED_AT) {
            heardUpTo = Math.min(previousTickAt, now);
        }
        previousTickAt = now;
        return heardUpTo;
    }

    /** The shard stops reading: the watermark stalls. */
    void suspend() {
        suspended = true;
    }

    /** The shard reads again from {@code now} on: nothing is proven about the suspended time. */
    void resume(long now) {
        suspended = false;
        previousTickAt = now;
    }

    /** Every frame that reached the shard's sockets before this time has been read. Readable from any thread. */
    long heardUpTo() {
        return heardUpTo;
    }
}

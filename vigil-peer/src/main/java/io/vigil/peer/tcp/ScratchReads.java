package io.vigil.peer.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;

/**
 * Reads every socket of one server shard into one reusable direct buffer instead of a buffer allocated per read.
 *
 * <p>Why: a heartbeat server does one small read per client heartbeat, and allocating (and freeing) a pooled buffer
 * for each was the largest single item of the shard's Java time in a profile at 5,000 clients (docs/benchmarks-peer.md
 * § 2). The shard's frame reader consumes each read before it returns (it copies a line's bytes out and releases the
 * buffer), so the same buffer can serve the next read, on any of the shard's connections. It is also large, so one
 * read takes whatever a socket holds.
 *
 * <p>Contract: for channels of one event loop only (the buffer is not shared across threads). The buffer is handed out
 * only while nobody but this class holds it ({@code refCnt() == 1}); if a reader kept a read's buffer, the next read
 * gets a buffer from the channel's allocator as before, so a mistake costs an allocation, never a corrupted read.
 */
final class ScratchReads implements RecvByteBufAllocator {

    static final int BYTES = 16 * 1024;

    private final ByteBuf scratch;
    private final AdaptiveRecvByteBufAllocator fallback = new AdaptiveRecvByteBufAllocator();

    ScratchReads(ByteBufAllocator alloc) {
        this.scratch = alloc.directBuffer(BYTES, BYTES);
    }

    @Override
    public Handle newHandle() {
        return new DelegatingHandle(fallback.newHandle()) {
            @Override
            public ByteBuf allocate(ByteBufAllocator alloc) {
                if (scratch.refCnt() == 1) {
                    return scratch.clear().retain();
                }
                return super.allocate(alloc);
            }
        };
    }

    /** Gives the buffer back once the shard stops (reads still in flight keep it until they release it). */
    void release() {
        scratch.release();
    }
}

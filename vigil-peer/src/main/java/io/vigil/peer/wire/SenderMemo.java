package io.vigil.peer.wire;

import io.vigil.peer.LeadershipStatus;
import java.util.Arrays;

/**
 * What one sender's frames decoded their string fields to, kept with the bytes each came from, so that a frame whose
 * field has the same bytes as before shares the value instead of building and validating it again
 * ({@link FrameCodec#decode(byte[], int, SenderMemo)}).
 *
 * <p>Why: a heartbeat differs from the sender's previous one only in {@code seq} and {@code ts}. With a memo it decodes
 * with no allocation but the frame, and each string field costs one comparison of raw bytes (vectorised by
 * {@link Arrays#equals(byte[], int, int, byte[], int, int)}), not a walk over the chars of the previous frame's string:
 * that walk was 8 % of a server's Java time at 5,000 clients (docs/benchmarks-peer.md § 2).
 *
 * <p>Contract: an entry maps bytes to what the decoder made of them, recorded only once the decoder accepted them (a
 * nonce only after its hex check), so a memo never changes the outcome of a decode, only which instances it holds.
 * Not thread-safe: one memo per sender (a TCP connection), used by the thread that decodes its frames.
 */
public final class SenderMemo {

    final Entry<String> id = new Entry<>();
    final Entry<String> nonce = new Entry<>();
    final Entry<String> peerNonce = new Entry<>();
    final Entry<LeadershipStatus> leadership = new Entry<>();

    /** One field: the bytes last decoded and their value. */
    static final class Entry<T> {
        private byte[] raw;
        private T value;

        /** The value of {@code b[start, end)} if these are the bytes last recorded, else null. */
        T get(byte[] b, int start, int end) {
            byte[] r = raw;
            return r != null && Arrays.equals(r, 0, r.length, b, start, end) ? value : null;
        }

        /** Records that {@code b[start, end)} decoded to {@code value} (accepted by the decoder). */
        void put(byte[] b, int start, int end, T value) {
            this.raw = Arrays.copyOfRange(b, start, end);
            this.value = value;
        }
    }
}

package io.vigil.peer.wire;

import java.util.Arrays;

/**
 * What one sender's frames decoded their string fields to, kept with the bytes each came from, so that a frame whose
 * field has the same bytes as before shares the value instead of building and validating it again
 * ({@link FrameCodec#decode(byte[], int, SenderMemo)}).
 *
 * <p>Why: a heartbeat differs from the sender's previous one only in {@code seq} and {@code ts}. With a memo it decodes
 * with no allocation but the frame, and each string field costs one comparison of raw bytes (vectorised by
 * {@link Arrays#equals(byte[], int, int, byte[], int, int)}). A server holds thousands of senders and visits each once
 * per interval, so their state is cold in the CPU's caches every time: the fields' bytes therefore sit one after the
 * other in one array, a few cache lines, rather than behind a string object each (the walk over the previous frame's
 * strings was 14 % of a server's Java samples at 5,000 clients, docs/benchmarks-peer.md § 2).
 *
 * <p>Contract: an entry maps bytes to what the decoder made of them, recorded only once the decoder accepted them (a
 * nonce only after its hex check), so a memo never changes the outcome of a decode, only which instances it holds.
 * Not thread-safe: one memo per sender (a TCP connection), used by the thread that decodes its frames.
 */
public final class SenderMemo {

    static final int ID = 0;
    static final int NONCE = 1;
    static final int PEER_NONCE = 2;
    static final int LEADERSHIP = 3;
    private static final int FIELDS = 4;

    private byte[] raw = new byte[0]; // every field's bytes, one after the other
    private final int[] at = new int[FIELDS];
    private final int[] length = new int[FIELDS];
    private final Object[] value = new Object[FIELDS];

    /**
     * Records the nonce this side sent to the sender, which its frames echo as {@code pn}: they then carry this very
     * instance, so a receiver that compares the echo with what it sent finds them identical at once.
     *
     * @throws IllegalArgumentException if it is not a nonce (1..64 lower-case hex digits)
     */
    public void expectPeerNonce(String nonce) {
        try {
            FrameCodec.token(nonce, "pn");
        } catch (WireFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        byte[] b = new byte[nonce.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) nonce.charAt(i); // hex: one byte per char
        }
        put(PEER_NONCE, b, 0, b.length, nonce);
    }

    /** The value of {@code b[start, end)} in {@code field} if these are the bytes last recorded there, else null. */
    Object get(int field, byte[] b, int start, int end) {
        Object v = value[field];
        int from = at[field];
        return v != null && Arrays.equals(raw, from, from + length[field], b, start, end) ? v : null;
    }

    /** Records that {@code b[start, end)} in {@code field} decoded to {@code v} (accepted by the decoder). */
    void put(int field, byte[] b, int start, int end, Object v) {
        int total = end - start;
        for (int f = 0; f < FIELDS; f++) {
            total += f == field ? 0 : length[f];
        }
        byte[] next = new byte[total];
        int pos = 0;
        for (int f = 0; f < FIELDS; f++) {
            if (f == field) {
                System.arraycopy(b, start, next, pos, end - start);
                length[f] = end - start;
                value[f] = v;
            } else {
                System.arraycopy(raw, at[f], next, pos, length[f]);
            }
            at[f] = pos;
            pos += length[f];
        }
        raw = next;
    }
}

package io.vigil.peer.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The TCP peer frames the load generator sends and the one it reads, written by hand from docs/peer.md ("Wire format
 * (version 1)") so that a heartbeat costs a few byte copies instead of a {@code Frame}, a {@code StringBuilder} and a
 * JSON parse. It is deliberately independent of {@code FrameCodec}; {@code LoadFramesTest} checks the two agree.
 *
 * <p>Only what the benchmark needs: no shared secret (no {@code mac}), endpoint ids and nonces that need no JSON
 * escaping (checked), and from the server nothing but its {@code hello}, of which only {@code n} is extracted.
 *
 * <p>A heartbeat is {@code head + seq + ,"ts": + ts + tail}, where head and tail are fixed per connection:
 * <pre>{"v":1,"t":"hb","id":"load-7","seq":  42  ,"ts":  1732676400000  ,"n":"9f2c…","pn":"71ab…"}\n</pre>
 *
 * <p>Stateless and thread-safe.
 */
final class LoadFrames {

    /** Same bound as the server's: a longer line from it is garbage, not a frame. */
    static final int MAX_FRAME_BYTES = 2048;
    /** Longest decimal long (19 digits) with room to spare. */
    static final int MAX_DECIMAL_DIGITS = 20;

    private static final byte[] TS_FIELD = ascii(",\"ts\":");
    private static final byte[] HELLO_PREFIX = ascii("{\"v\":1,\"t\":\"hello\",");
    private static final byte[] N_FIELD = ascii(",\"n\":\"");
    private static final byte[] PN_FIELD = ascii(",\"pn\":\"");

    private LoadFrames() {
    }

    /** The client's hello, newline included: {@code {"v":1,"t":"hello","id":ID,"seq":SEQ,"ts":TS,"n":NONCE}}. */
    static byte[] hello(String id, long seq, long ts, String nonce) {
        return ascii("{\"v\":1,\"t\":\"hello\",\"id\":\"" + plain(id) + "\",\"seq\":" + seq + ",\"ts\":" + ts
                + ",\"n\":\"" + hex(nonce) + "\"}\n");
    }

    /** The fixed start of this connection's heartbeats, up to the seq value. */
    static byte[] heartbeatHead(String id) {
        return ascii("{\"v\":1,\"t\":\"hb\",\"id\":\"" + plain(id) + "\",\"seq\":");
    }

    /** The fixed end of this connection's heartbeats, after the ts value: both nonces, and the newline. */
    static byte[] heartbeatTail(String nonce, String peerNonce) {
        return ascii(",\"n\":\"" + hex(nonce) + "\",\"pn\":\"" + hex(peerNonce) + "\"}\n");
    }

    /** Bytes a heartbeat with this head and tail takes at most. */
    static int maxHeartbeatBytes(byte[] head, byte[] tail) {
        return head.length + MAX_DECIMAL_DIGITS + TS_FIELD.length + MAX_DECIMAL_DIGITS + tail.length;
    }

    /**
     * Appends one heartbeat to {@code out} at its position.
     *
     * @param ts    the send time, already formatted by {@link #formatDecimal} (it is the same for a whole batch)
     * @param tsLen the number of digits in {@code ts}
     */
    static void putHeartbeat(ByteBuffer out, byte[] head, long seq, byte[] ts, int tsLen, byte[] tail) {
        out.put(head);
        putDecimal(out, seq);
        out.put(TS_FIELD);
        out.put(ts, 0, tsLen);
        out.put(tail);
    }

    /** Writes {@code value} (≥ 0) in ASCII decimal at the start of {@code into}; returns the number of digits. */
    static int formatDecimal(long value, byte[] into) {
        int len = digits(value);
        long v = value;
        for (int i = len - 1; i >= 0; i--) {
            into[i] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        }
        return len;
    }

    /** Appends {@code value} (≥ 0) in ASCII decimal at {@code out}'s position. */
    static void putDecimal(ByteBuffer out, long value) {
        int start = out.position();
        int len = digits(value);
        long v = value;
        for (int i = start + len - 1; i >= start; i--) {
            out.put(i, (byte) ('0' + (int) (v % 10)));
            v /= 10;
        }
        out.position(start + len);
    }

    private static int digits(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        int len = 1;
        for (long v = value; v >= 10; v /= 10) {
            len++;
        }
        return len;
    }

    /**
     * The server's nonce from its hello line (without the newline), after checking it is a version 1 hello that
     * echoes {@code ownNonce} as {@code pn}.
     *
     * @throws IllegalArgumentException naming what is wrong, if it is not such a hello
     */
    static String serverNonce(byte[] line, int length, String ownNonce) {
        if (!startsWith(line, length, HELLO_PREFIX)) {
            throw new IllegalArgumentException("expected the server's hello, got: " + text(line, length));
        }
        String nonce = token(line, length, N_FIELD);
        if (nonce == null) {
            throw new IllegalArgumentException("server hello has no valid n (1..64 lower-case hex): "
                    + text(line, length));
        }
        String echoed = token(line, length, PN_FIELD);
        if (!ownNonce.equals(echoed)) {
            throw new IllegalArgumentException("server hello echoes pn " + echoed + ", not our nonce " + ownNonce);
        }
        return nonce;
    }

    /**
     * The hex value of {@code ,"name":"…"}, or null if absent or not 1..64 lower-case hex digits. Inside a JSON
     * string every quote is escaped, so the marker's unescaped {@code ,"} cannot match within the id.
     */
    private static String token(byte[] line, int length, byte[] field) {
        int at = indexOf(line, length, field);
        if (at < 0) {
            return null;
        }
        int start = at + field.length;
        int end = start;
        while (end < length && isHex(line[end])) {
            end++;
        }
        if (end == start || end - start > 64 || end >= length || line[end] != '"') {
            return null;
        }
        return new String(line, start, end - start, StandardCharsets.US_ASCII);
    }

    private static boolean isHex(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f');
    }

    private static boolean startsWith(byte[] line, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] line, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String text(byte[] line, int length) {
        return new String(line, 0, Math.min(length, 200), StandardCharsets.UTF_8);
    }

    private static String plain(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
                    || c == '.')) {
                throw new IllegalArgumentException("endpoint id '" + id + "' would need JSON escaping");
            }
        }
        return id;
    }

    private static String hex(String nonce) {
        byte[] b = ascii(nonce);
        if (b.length == 0 || b.length > 64) {
            throw new IllegalArgumentException("nonce must be 1..64 hex digits: " + nonce);
        }
        for (byte c : b) {
            if (!isHex(c)) {
                throw new IllegalArgumentException("nonce must be lower-case hex: " + nonce);
            }
        }
        return nonce;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.vigil.peer.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vigil.peer.LeadershipStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encodes and decodes frames: one compact JSON object, fields in a fixed order, optionally followed by an HMAC.
 *
 * <pre>{"v":1,"t":"hb","id":"node-a","seq":42,"ts":1732676400000,"n":"9f2c…","pn":"71ab…","ldr":"LEADER","mac":"…"}</pre>
 *
 * <p>With a shared secret, {@code mac} is the hex HMAC-SHA256 of every byte before {@code ,"mac":} and must be the
 * last field; without one, a frame carrying a mac is rejected too, so a one-sided configuration fails loudly instead of
 * silently running unauthenticated. Unknown fields are ignored (newer minor additions); another {@code v} is refused.
 *
 * <p>Not thread-safe (it holds a {@link Mac}): use one instance per event loop.
 */
public final class FrameCodec {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] MAC_MARKER = ",\"mac\":\"".getBytes(StandardCharsets.US_ASCII);
    /** Largest frame accepted; real frames are ~200 bytes. Bounds memory per connection against a garbage stream. */
    public static final int MAX_FRAME_BYTES = 2048;

    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREFIX = ("{\"v\":" + Frame.VERSION + ",\"t\":\"").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE_HB = "hb\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE_HELLO = "hello\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = ",\"id\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEQ = ",\"seq\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TS = ",\"ts\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONCE = ",\"n\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PEER_NONCE = ",\"pn\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LDR = ",\"ldr\":\"".getBytes(StandardCharsets.US_ASCII);

    private final Mac mac;
    private byte[] scratch = new byte[256];
    private int pos;

    /** @param sharedSecret HMAC key, or null for unauthenticated frames */
    public FrameCodec(byte[] sharedSecret) {
        if (sharedSecret == null) {
            this.mac = null;
            return;
        }
        try {
            this.mac = Mac.getInstance("HmacSHA256");
            this.mac.init(new SecretKeySpec(sharedSecret, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    public boolean authenticated() {
        return mac != null;
    }

    /** The frame's bytes, without a line terminator. */
    public byte[] encode(Frame f) {
        int n = encodeInto(f);
        byte[] out = new byte[n];
        System.arraycopy(scratch, 0, out, 0, n);
        return out;
    }

    /**
     * Encodes into this codec's scratch array, returning the number of bytes written; read them from {@link #scratch()}
     * before the next call. The hot path of the TCP server: no intermediate strings.
     */
    public int encodeInto(Frame f) {
        pos = 0;
        put(PREFIX);
        put(f.type() == FrameType.HEARTBEAT ? TYPE_HB : TYPE_HELLO);
        if (f.endpointId() != null) {
            put(ID);
            putJsonString(f.endpointId());
            putByte('"');
        }
        put(SEQ);
        putLong(f.seq());
        put(TS);
        putLong(f.sentAt());
        putToken(NONCE, f.nonce());
        putToken(PEER_NONCE, f.peerNonce());
        if (f.leadership() != null) {
            put(LDR);
            putAscii(f.leadership().name());
            putByte('"');
        }
        if (mac != null) {
            mac.update(scratch, 0, pos);
            byte[] tag = mac.doFinal();
            put(MAC_MARKER);
            ensure(64 + 2);
            for (byte b : tag) {
                scratch[pos++] = HEX_DIGITS[(b >> 4) & 0xf];
                scratch[pos++] = HEX_DIGITS[b & 0xf];
            }
            putByte('"');
        }
        putByte('}');
        return pos;
    }

    /** The array {@link #encodeInto} wrote to (it may be replaced by a larger one as frames grow). */
    public byte[] scratch() {
        return scratch;
    }

    private void putToken(byte[] field, String token) {
        if (token != null) {
            // Nonces are generated hex; validated on decode, so no escaping is needed.
            put(field);
            putAscii(token);
            putByte('"');
        }
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, scratch, pos, b.length);
        pos += b.length;
    }

    private void putByte(char c) {
        ensure(1);
        scratch[pos++] = (byte) c;
    }

    /** Only for strings known to be ASCII (nonces, enum names, checked ids): copies the low byte of each char. */
    @SuppressWarnings("deprecation") // the one String copy into a byte[] without an intermediate array
    private void putAscii(String s) {
        ensure(s.length());
        s.getBytes(0, s.length(), scratch, pos);
        pos += s.length();
    }

    private void putJsonString(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                StringBuilder sb = new StringBuilder(s.length() + 8);
                JsonStringEncoder.getInstance().quoteAsString(s, sb);
                put(sb.toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        putAscii(s);
    }

    private void putLong(long v) {
        ensure(20);
        if (v < 0) {
            scratch[pos++] = '-';
            v = -v; // seq and ts are never Long.MIN_VALUE
        }
        // Two digits per division, written from the end (a 13-digit time costs 7 divisions, not 13): every server
        // answer carries two numbers, and this was a visible share of the server's time per heartbeat.
        int end = pos + digits(v);
        int i = end;
        while (v >= 100) {
            int r = (int) (v % 100);
            v /= 100;
            scratch[--i] = DIGIT_ONES[r];
            scratch[--i] = DIGIT_TENS[r];
        }
        int r = (int) v;
        scratch[--i] = DIGIT_ONES[r];
        if (r >= 10) {
            scratch[--i] = DIGIT_TENS[r];
        }
        pos = end;
    }

    private static int digits(long v) {
        int n = 1;
        for (long p = 10; n < 19 && v >= p; p *= 10) {
            n++;
        }
        return n;
    }

    private static final byte[] DIGIT_TENS = new byte[100];
    private static final byte[] DIGIT_ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_TENS[i] = (byte) ('0' + i / 10);
            DIGIT_ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private void ensure(int more) {
        if (pos + more > scratch.length) {
            scratch = Arrays.copyOf(scratch, Math.max(scratch.length * 2, pos + more));
        }
    }

    /**
     * Decodes one frame (trailing whitespace such as {@code \r} is tolerated).
     *
     * @throws WireFormatException if malformed, of another version, or not authentic
     */
    public Frame decode(byte[] bytes, int length) throws WireFormatException {
        return decode(bytes, length, null);
    }

    /**
     * {@link #decode(byte[], int)} for a stream of frames from one sender: where a string field has the same bytes as
     * one the sender's memo holds (decoded and validated before), the result shares that value instead of building and
     * checking a new one, and fields decoded anew are recorded in the memo. A heartbeat differs from the one before only
     * in its seq and ts, so this decodes it with no allocation but the frame itself. The result is the same as without
     * the memo.
     *
     * @param memo the sender's memo (one per sender), or null
     */
    public Frame decode(byte[] bytes, int length, SenderMemo memo) throws WireFormatException {
        while (length > 0 && (bytes[length - 1] == '\r' || bytes[length - 1] == ' ' || bytes[length - 1] == '\n')) {
            length--;
        }
        if (length > MAX_FRAME_BYTES) {
            throw new WireFormatException("frame of " + length + " bytes exceeds " + MAX_FRAME_BYTES, false);
        }
        if (mac != null) {
            // The mac is the last field, so its marker sits at a fixed distance from the end: no scan on the hot path.
            int markerAt = length - 2 - 64 - MAC_MARKER.length;
            if (!regionEquals(bytes, markerAt, MAC_MARKER)) {
                markerAt = lastIndexOf(bytes, length, MAC_MARKER);
                if (markerAt < 0) {
                    throw new WireFormatException("frame carries no mac but a shared secret is configured: give both "
                            + "sides the same secret", true);
                }
            }
            int tagStart = markerAt + MAC_MARKER.length;
            int tagEnd = length - 2; // before "}
            if (tagEnd - tagStart != 64 || bytes[length - 2] != '"' || bytes[length - 1] != '}') {
                throw new WireFormatException("mac is not the last field or not 64 hex digits", true);
            }
            mac.update(bytes, 0, markerAt);
            byte[] tag = mac.doFinal();
            int diff = 0;
            for (int i = 0; i < 32; i++) { // constant time, as MessageDigest.isEqual
                diff |= bytes[tagStart + 2 * i] ^ HEX_DIGITS[(tag[i] >> 4) & 0xf];
                diff |= bytes[tagStart + 2 * i + 1] ^ HEX_DIGITS[tag[i] & 0xf];
            }
            if (diff != 0) {
                throw new WireFormatException("mac does not match: the sender uses another shared secret, or the "
                        + "frame was forged or altered", true);
            }
            // The mac field is authenticated by position; parse the frame without it.
            return parse(bytes, markerAt, true, memo);
        }
        return parse(bytes, length, false, memo);
    }

    private static boolean regionEquals(byte[] bytes, int at, byte[] needle) {
        if (at < 0) {
            return false;
        }
        for (int j = 0; j < needle.length; j++) {
            if (bytes[at + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code bytes[0, length)}; {@code macStripped} means the caller cut off the verified mac field, so the
     * object's closing brace is implied.
     */
    private static Frame parse(byte[] bytes, int length, boolean macStripped, SenderMemo memo)
            throws WireFormatException {
        Frame fast = FlatFrameParser.parse(bytes, length, macStripped, memo);
        if (fast != null) {
            return fast;
        }
        if (macStripped) {
            byte[] closed = Arrays.copyOf(bytes, length + 1);
            closed[length] = '}';
            return parseGeneral(closed, length + 1);
        }
        return parseGeneral(bytes, length);
    }

    /** The general path (Jackson), for anything the flat parser does not take: escapes, nesting, odd numbers. */
    static Frame parseGeneral(byte[] bytes, int length) throws WireFormatException {
        int version = -1;
        FrameType type = null;
        String id = null;
        String nonce = null;
        String peerNonce = null;
        LeadershipStatus leadership = null;
        long seq = -1;
        long ts = -1;
        try (JsonParser p = JSON.createParser(bytes, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("frame is not a JSON object", false);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "v" -> version = p.getIntValue();
                    case "t" -> {
                        type = FrameType.fromWire(p.getText());
                        if (type == null) {
                            throw new WireFormatException("unknown frame type '" + p.getText() + "'", false);
                        }
                    }
                    case "id" -> id = p.getText();
                    case "seq" -> seq = p.getLongValue();
                    case "ts" -> ts = p.getLongValue();
                    case "n" -> nonce = token(p.getText(), "n");
                    case "pn" -> peerNonce = token(p.getText(), "pn");
                    case "ldr" -> leadership = leadership(p.getText());
                    case "mac" -> throw new WireFormatException("frame carries a mac but no shared secret is "
                            + "configured here: give both sides the same secret", true);
                    default -> {
                        if (value.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
        } catch (IOException | IllegalStateException e) {
            throw new WireFormatException("frame is not valid JSON: " + e.getMessage(), false);
        }
        return validated(version, type, id, seq, ts, nonce, peerNonce, leadership);
    }

    static Frame validated(int version, FrameType type, String id, long seq, long ts, String nonce, String peerNonce,
            LeadershipStatus leadership) throws WireFormatException {
        if (version != Frame.VERSION) {
            throw new WireFormatException("unsupported wire version " + version + " (this side speaks "
                    + Frame.VERSION + ")", false);
        }
        if (type == null || seq < 0 || ts < 0 || nonce == null) {
            throw new WireFormatException("frame lacks one of t, seq, ts, n", false);
        }
        return new Frame(type, id, seq, ts, nonce, peerNonce, leadership);
    }

    static String token(String s, String field) throws WireFormatException {
        if (s.isEmpty() || s.length() > 64) {
            throw new WireFormatException("field " + field + " must be 1..64 hex digits", false);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new WireFormatException("field " + field + " must be lower-case hex", false);
            }
        }
        return s;
    }

    static LeadershipStatus leadership(String s) throws WireFormatException {
        try {
            return LeadershipStatus.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("unknown leadership '" + s + "'", false);
        }
    }

    private static int lastIndexOf(byte[] bytes, int length, byte[] needle) {
        outer:
        for (int i = length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

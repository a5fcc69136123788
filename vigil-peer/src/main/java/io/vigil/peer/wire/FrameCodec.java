package io.vigil.peer.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vigil.peer.LeadershipStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
    private static final HexFormat HEX = HexFormat.of();
    /** Largest frame accepted; real frames are ~200 bytes. Bounds memory per connection against a garbage stream. */
    public static final int MAX_FRAME_BYTES = 2048;

    private final Mac mac;

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
        StringBuilder sb = new StringBuilder(192);
        sb.append("{\"v\":").append(Frame.VERSION)
                .append(",\"t\":\"").append(f.type().wireName()).append('"');
        if (f.endpointId() != null) {
            sb.append(",\"id\":\"");
            JsonStringEncoder.getInstance().quoteAsString(f.endpointId(), sb);
            sb.append('"');
        }
        sb.append(",\"seq\":").append(f.seq()).append(",\"ts\":").append(f.sentAt());
        appendToken(sb, "n", f.nonce());
        appendToken(sb, "pn", f.peerNonce());
        if (f.leadership() != null) {
            sb.append(",\"ldr\":\"").append(f.leadership().name()).append('"');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (mac == null) {
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '}';
            return out;
        }
        mac.update(body);
        byte[] tag = HEX.formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[body.length + MAC_MARKER.length + tag.length + 2];
        System.arraycopy(body, 0, out, 0, body.length);
        System.arraycopy(MAC_MARKER, 0, out, body.length, MAC_MARKER.length);
        System.arraycopy(tag, 0, out, body.length + MAC_MARKER.length, tag.length);
        out[out.length - 2] = '"';
        out[out.length - 1] = '}';
        return out;
    }

    private static void appendToken(StringBuilder sb, String name, String token) {
        if (token != null) {
            // Nonces are generated hex; validated on decode, so no escaping is needed.
            sb.append(",\"").append(name).append("\":\"").append(token).append('"');
        }
    }

    /**
     * Decodes one frame (trailing whitespace such as {@code \r} is tolerated).
     *
     * @throws WireFormatException if malformed, of another version, or not authentic
     */
    public Frame decode(byte[] bytes, int length) throws WireFormatException {
        while (length > 0 && (bytes[length - 1] == '\r' || bytes[length - 1] == ' ' || bytes[length - 1] == '\n')) {
            length--;
        }
        if (length > MAX_FRAME_BYTES) {
            throw new WireFormatException("frame of " + length + " bytes exceeds " + MAX_FRAME_BYTES, false);
        }
        int markerAt = lastIndexOf(bytes, length, MAC_MARKER);
        if (mac != null) {
            if (markerAt < 0) {
                throw new WireFormatException("frame carries no mac but a shared secret is configured: give both "
                        + "sides the same secret", true);
            }
            int tagStart = markerAt + MAC_MARKER.length;
            int tagEnd = length - 2; // before "}
            if (tagEnd - tagStart != 64 || bytes[length - 2] != '"' || bytes[length - 1] != '}') {
                throw new WireFormatException("mac is not the last field or not 64 hex digits", true);
            }
            mac.update(bytes, 0, markerAt);
            byte[] expected = HEX.formatHex(mac.doFinal()).getBytes(StandardCharsets.US_ASCII);
            byte[] actual = new byte[64];
            System.arraycopy(bytes, tagStart, actual, 0, 64);
            if (!MessageDigest.isEqual(expected, actual)) {
                throw new WireFormatException("mac does not match: the sender uses another shared secret, or the "
                        + "frame was forged or altered", true);
            }
        } else if (markerAt >= 0) {
            throw new WireFormatException("frame carries a mac but no shared secret is configured here: give both "
                    + "sides the same secret", true);
        }
        return parse(bytes, length);
    }

    private static Frame parse(byte[] bytes, int length) throws WireFormatException {
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
        if (version != Frame.VERSION) {
            throw new WireFormatException("unsupported wire version " + version + " (this side speaks "
                    + Frame.VERSION + ")", false);
        }
        if (type == null || seq < 0 || ts < 0 || nonce == null) {
            throw new WireFormatException("frame lacks one of t, seq, ts, n", false);
        }
        return new Frame(type, id, seq, ts, nonce, peerNonce, leadership);
    }

    private static String token(String s, String field) throws WireFormatException {
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

    private static LeadershipStatus leadership(String s) throws WireFormatException {
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

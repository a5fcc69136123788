package io.vigil.peer.wire;

import io.vigil.peer.LeadershipStatus;
import java.nio.charset.StandardCharsets;

/**
 * The fast path of {@link FrameCodec#decode}: a frame is one flat JSON object of strings and integers, in any field
 * order. This parser reads exactly that, without allocating anything but the frame's own strings, and returns null for
 * anything else (string escapes, nested values, fractions, literals, odd whitespace placements are all still legal
 * JSON), which the general Jackson-based path then decides. So both paths accept and refuse the same frames with the
 * same messages; this one is only faster on what real senders write.
 */
final class FlatFrameParser {

    private FlatFrameParser() {
    }

    /**
     * @param impliedClose true if the input ends where the closing brace would be (the caller cut off a verified mac)
     * @return the frame, or null to defer to the general parser
     * @throws WireFormatException for a flat frame that is well-formed JSON but not a valid frame
     */
    static Frame parse(byte[] b, int length, boolean impliedClose) throws WireFormatException {
        return parse(b, length, impliedClose, null);
    }

    /**
     * {@link #parse(byte[], int, boolean)} for a stream of frames from one sender.
     *
     * @param memo the sender's memo: string fields with the bytes it holds share its values, and fields decoded anew
     *             are recorded in it; or null
     */
    static Frame parse(byte[] b, int length, boolean impliedClose, SenderMemo memo) throws WireFormatException {
        int i = skipWs(b, 0, length);
        if (i >= length || b[i] != '{') {
            return null;
        }
        i++;
        int version = -1;
        FrameType type = null;
        String id = null;
        String nonce = null;
        String peerNonce = null;
        LeadershipStatus leadership = null;
        long seq = -1;
        long ts = -1;
        boolean first = true;
        while (true) {
            i = skipWs(b, i, length);
            if (i >= length) {
                if (!impliedClose) {
                    return null;
                }
                break;
            }
            if (b[i] == '}') {
                if (impliedClose) {
                    return null;
                }
                i++;
                break;
            }
            if (!first) {
                if (b[i] != ',') {
                    return null;
                }
                i = skipWs(b, i + 1, length);
                if (i >= length) {
                    return null;
                }
            }
            first = false;
            if (b[i] != '"') {
                return null;
            }
            int nameStart = i + 1;
            int nameEnd = plainStringEnd(b, nameStart, length);
            if (nameEnd < 0) {
                return null;
            }
            i = skipWs(b, nameEnd + 1, length);
            if (i >= length || b[i] != ':') {
                return null;
            }
            i = skipWs(b, i + 1, length);
            if (i >= length) {
                return null;
            }
            int field = field(b, nameStart, nameEnd);
            if (b[i] == '"') {
                int valueStart = i + 1;
                int valueEnd = plainStringEnd(b, valueStart, length);
                if (valueEnd < 0) {
                    return null;
                }
                i = valueEnd + 1;
                switch (field) {
                    case F_T -> {
                        type = type(b, valueStart, valueEnd);
                        if (type == null) {
                            return null; // the general path names the unknown type
                        }
                    }
                    // Bytes the sender's memo holds were decoded (and validated) before: same bytes, same value.
                    case F_ID -> id = id(b, valueStart, valueEnd, memo);
                    case F_N -> nonce = token(b, valueStart, valueEnd, "n", SenderMemo.NONCE, memo);
                    case F_PN -> peerNonce = token(b, valueStart, valueEnd, "pn", SenderMemo.PEER_NONCE, memo);
                    case F_LDR -> leadership = leadership(b, valueStart, valueEnd, memo);
                    case F_MAC -> throw new WireFormatException("frame carries a mac but no shared secret is "
                            + "configured here: give both sides the same secret", true);
                    case F_OTHER -> {
                    }
                    default -> {
                        return null; // a string where a number belongs: the general path words the error
                    }
                }
            } else if (b[i] == '-' || (b[i] >= '0' && b[i] <= '9')) {
                int start = i;
                boolean negative = b[i] == '-';
                if (negative) {
                    i++;
                }
                long v = 0;
                int digits = 0;
                while (i < length && b[i] >= '0' && b[i] <= '9') {
                    if (digits == 18) {
                        return null; // might overflow: let the general path decide
                    }
                    v = v * 10 + (b[i] - '0');
                    digits++;
                    i++;
                }
                if (digits == 0 || (digits > 1 && b[negative ? start + 1 : start] == '0')) {
                    return null;
                }
                if (i < length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
                    return null;
                }
                v = negative ? -v : v;
                switch (field) {
                    case F_V -> {
                        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                            return null;
                        }
                        version = (int) v;
                    }
                    case F_SEQ -> seq = v;
                    case F_TS -> ts = v;
                    case F_OTHER -> {
                    }
                    default -> {
                        return null;
                    }
                }
            } else {
                return null; // literals, arrays, objects
            }
        }
        if (skipWs(b, i, length) != length) {
            return null;
        }
        return FrameCodec.validated(version, type, id, seq, ts, nonce, peerNonce, leadership);
    }

    private static final int F_OTHER = 0;
    private static final int F_V = 1;
    private static final int F_T = 2;
    private static final int F_ID = 3;
    private static final int F_SEQ = 4;
    private static final int F_TS = 5;
    private static final int F_N = 6;
    private static final int F_PN = 7;
    private static final int F_LDR = 8;
    private static final int F_MAC = 9;

    private static int field(byte[] b, int start, int end) {
        return switch (end - start) {
            case 1 -> switch (b[start]) {
                case 'v' -> F_V;
                case 't' -> F_T;
                case 'n' -> F_N;
                default -> F_OTHER;
            };
            case 2 -> b[start] == 'i' && b[start + 1] == 'd' ? F_ID
                    : b[start] == 't' && b[start + 1] == 's' ? F_TS
                    : b[start] == 'p' && b[start + 1] == 'n' ? F_PN : F_OTHER;
            case 3 -> is(b, start, 's', 'e', 'q') ? F_SEQ
                    : is(b, start, 'l', 'd', 'r') ? F_LDR
                    : is(b, start, 'm', 'a', 'c') ? F_MAC : F_OTHER;
            default -> F_OTHER;
        };
    }

    private static boolean is(byte[] b, int at, char c0, char c1, char c2) {
        return b[at] == c0 && b[at + 1] == c1 && b[at + 2] == c2;
    }

    private static FrameType type(byte[] b, int start, int end) {
        if (end - start == 2 && b[start] == 'h' && b[start + 1] == 'b') {
            return FrameType.HEARTBEAT;
        }
        if (end - start == 5 && b[start] == 'h' && b[start + 1] == 'e' && b[start + 2] == 'l' && b[start + 3] == 'l'
                && b[start + 4] == 'o') {
            return FrameType.HELLO;
        }
        return null;
    }

    /** The index of the closing quote of a string without escapes or control characters, or -1. */
    private static int plainStringEnd(byte[] b, int from, int length) {
        for (int i = from; i < length; i++) {
            byte c = b[i];
            if (c == '"') {
                return i;
            }
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                return -1;
            }
        }
        return -1;
    }

    private static String id(byte[] b, int start, int end, SenderMemo memo) {
        String s = memo == null ? null : (String) memo.get(SenderMemo.ID, b, start, end);
        if (s == null) {
            s = new String(b, start, end - start, StandardCharsets.UTF_8);
            if (memo != null) {
                memo.put(SenderMemo.ID, b, start, end, s);
            }
        }
        return s;
    }

    private static String token(byte[] b, int start, int end, String field, int memoField, SenderMemo memo)
            throws WireFormatException {
        String s = memo == null ? null : (String) memo.get(memoField, b, start, end);
        if (s == null) {
            s = FrameCodec.token(ascii(b, start, end), field); // throws before anything is recorded
            if (memo != null) {
                memo.put(memoField, b, start, end, s);
            }
        }
        return s;
    }

    private static LeadershipStatus leadership(byte[] b, int start, int end, SenderMemo memo)
            throws WireFormatException {
        LeadershipStatus l = memo == null ? null : (LeadershipStatus) memo.get(SenderMemo.LEADERSHIP, b, start, end);
        if (l == null) {
            l = FrameCodec.leadership(ascii(b, start, end));
            if (memo != null) {
                memo.put(SenderMemo.LEADERSHIP, b, start, end, l);
            }
        }
        return l;
    }

    private static String ascii(byte[] b, int start, int end) {
        return new String(b, start, end - start, StandardCharsets.UTF_8);
    }

    private static int skipWs(byte[] b, int i, int length) {
        while (i < length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i;
    }
}

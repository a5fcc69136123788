package io.vigil.peer.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.peer.LeadershipStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);
    private final Frame frame = new Frame(FrameType.HEARTBEAT, "node-\"a\"", 42, 1_732_676_400_000L,
            "0123456789abcdef", "fedcba9876543210", LeadershipStatus.LEADER);

    private static Frame decode(FrameCodec codec, String s) throws WireFormatException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return codec.decode(b, b.length);
    }

    @Test
    void unauthenticatedFrameRoundTripsAsOneJsonObject() throws Exception {
        FrameCodec codec = new FrameCodec(null);
        String wire = new String(codec.encode(frame), StandardCharsets.UTF_8);
        assertThat(wire).isEqualTo("{\"v\":1,\"t\":\"hb\",\"id\":\"node-\\\"a\\\"\",\"seq\":42,\"ts\":1732676400000,"
                + "\"n\":\"0123456789abcdef\",\"pn\":\"fedcba9876543210\",\"ldr\":\"LEADER\"}");
        assertThat(decode(codec, wire + "\r")).isEqualTo(frame);
    }

    @Test
    void authenticatedFrameRoundTripsWithMacLast() throws Exception {
        FrameCodec codec = new FrameCodec(SECRET);
        String wire = new String(codec.encode(frame), StandardCharsets.UTF_8);
        assertThat(wire).matches(".*,\"mac\":\"[0-9a-f]{64}\"}$");
        assertThat(decode(new FrameCodec(SECRET), wire)).isEqualTo(frame);
    }

    @Test
    void alteredAuthenticatedFrameIsRejected() {
        String wire = new String(new FrameCodec(SECRET).encode(frame), StandardCharsets.UTF_8);
        String forged = wire.replace("\"seq\":42", "\"seq\":43");
        assertThatThrownBy(() -> decode(new FrameCodec(SECRET), forged))
                .isInstanceOfSatisfying(WireFormatException.class, e -> assertThat(e.authentication()).isTrue())
                .hasMessageContaining("mac does not match");
    }

    @Test
    void frameUnderAnotherSecretIsRejected() {
        String wire = new String(new FrameCodec("other".getBytes()).encode(frame), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(new FrameCodec(SECRET), wire)).hasMessageContaining("mac does not match");
    }

    @Test
    void unauthenticatedFrameIsRejectedWhenASecretIsConfigured() {
        String wire = new String(new FrameCodec(null).encode(frame), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(new FrameCodec(SECRET), wire)).hasMessageContaining("carries no mac");
    }

    @Test
    void authenticatedFrameIsRejectedWhenNoSecretIsConfigured() {
        String wire = new String(new FrameCodec(SECRET).encode(frame), StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decode(new FrameCodec(null), wire)).hasMessageContaining("no shared secret");
    }

    @Test
    void otherVersionIsRefusedAndUnknownFieldsAreIgnored() throws Exception {
        FrameCodec codec = new FrameCodec(null);
        assertThatThrownBy(() -> decode(codec, "{\"v\":2,\"t\":\"hb\",\"seq\":1,\"ts\":1,\"n\":\"ab\"}"))
                .hasMessageContaining("unsupported wire version 2");
        Frame f = decode(codec, "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":1,\"n\":\"ab\",\"x\":{\"y\":[1]}}");
        assertThat(f.seq()).isEqualTo(1);
    }

    @Test
    void garbageAndIncompleteFramesAreRejected() {
        FrameCodec codec = new FrameCodec(null);
        assertThatThrownBy(() -> decode(codec, "hello")).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> decode(codec, "{\"v\":1,\"t\":\"hb\"}")).hasMessageContaining("lacks");
        assertThatThrownBy(() -> decode(codec, "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":1,\"n\":\"XYZ\"}"))
                .hasMessageContaining("hex");
        assertThatThrownBy(() -> decode(codec, "{\"v\":1,\"t\":\"nope\",\"seq\":1,\"ts\":1,\"n\":\"ab\"}"))
                .hasMessageContaining("unknown frame type");
    }

    /**
     * The flat fast path and the general (Jackson) path must agree: same frame, or an error with the same message.
     * Each input goes through {@link FrameCodec#decode} (fast path first) and straight through the general path.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "{\"v\":1,\"t\":\"hb\",\"id\":\"a\",\"seq\":7,\"ts\":99,\"n\":\"ab\",\"pn\":\"cd\"}",
        "{ \"ts\" : 99 , \"n\":\"ab\", \"t\":\"hello\", \"seq\":7, \"v\":1 }",
        "{\"v\":1,\"t\":\"hb\",\"seq\":7,\"ts\":99,\"n\":\"ab\",\"ldr\":\"NON_LEADER\",\"extra\":\"x\"}",
        "{\"v\":1,\"t\":\"hb\",\"id\":\"n\\u00e9\",\"seq\":7,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\",\"id\":\"nœud\",\"seq\":7,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":7,\"ts\":99,\"n\":\"ab\",\"x\":[1,{\"y\":true}],\"z\":null}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":-3,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":9223372036854775807,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":92233720368547758070,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1.0,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":\"1\",\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":5,\"seq\":1,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"AB\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\",\"ldr\":\"KING\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\",\"mac\":\"00\"}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\"} trailing",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99,\"n\":\"ab\",}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":01,\"ts\":99,\"n\":\"ab\"}",
        "{\"v\":1,\"t\":\"hb\" \"seq\":1}",
        "{\"v\":1,\"t\":\"hb\",\"seq\":1,\"ts\":99",
        "{}",
        "[1]",
    })
    void fastAndGeneralPathsAgree(String input) {
        byte[] b = input.getBytes(StandardCharsets.UTF_8);
        Object viaDecode = outcome(() -> new FrameCodec(null).decode(b, b.length));
        Object viaGeneral = outcome(() -> FrameCodec.parseGeneral(b, b.length));
        assertThat(viaDecode).isEqualTo(viaGeneral);
        // A sender's memo changes nothing but which instances the result holds: primed by another frame, and again
        // once it may have recorded this input's own fields.
        SenderMemo memo = primedMemo();
        assertThat(outcome(() -> new FrameCodec(null).decode(b, b.length, memo))).isEqualTo(viaGeneral);
        assertThat(outcome(() -> new FrameCodec(null).decode(b, b.length, memo))).isEqualTo(viaGeneral);
    }

    /** A memo that holds id "a", nonces "ab" and leadership LEADER. */
    private static SenderMemo primedMemo() {
        SenderMemo memo = new SenderMemo();
        byte[] b = "{\"v\":1,\"t\":\"hb\",\"id\":\"a\",\"seq\":1,\"ts\":1,\"n\":\"ab\",\"pn\":\"ab\",\"ldr\":\"LEADER\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(() -> new FrameCodec(null).decode(b, b.length, memo)))
                .isEqualTo(new Frame(FrameType.HEARTBEAT, "a", 1, 1, "ab", "ab", LeadershipStatus.LEADER));
        return memo;
    }

    @Test
    void aHeartbeatLikeTheSendersPreviousOneSharesItsStrings() throws Exception {
        for (byte[] secret : new byte[][] {null, SECRET}) {
            FrameCodec codec = new FrameCodec(secret);
            FrameCodec receiver = new FrameCodec(secret);
            SenderMemo memo = new SenderMemo();
            byte[] escaped = codec.encode(frame); // its id has escapes: the general path, which records nothing
            assertThat(receiver.decode(escaped, escaped.length, memo)).isEqualTo(frame);
            Frame plain = new Frame(FrameType.HEARTBEAT, "node-a", 43, 1_732_676_400_100L, frame.nonce(),
                    frame.peerNonce(), LeadershipStatus.LEADER);
            byte[] first = codec.encode(plain);
            Frame previous = receiver.decode(first, first.length, memo);
            assertThat(previous).isEqualTo(plain);
            Frame next = new Frame(FrameType.HEARTBEAT, "node-a", 44, 1_732_676_400_200L, frame.nonce(),
                    frame.peerNonce(), LeadershipStatus.LEADER);
            byte[] second = codec.encode(next);
            Frame decoded = receiver.decode(second, second.length, memo);
            assertThat(decoded).isEqualTo(next);
            assertThat(decoded.endpointId()).isSameAs(previous.endpointId());
            assertThat(decoded.nonce()).isSameAs(previous.nonce());
            assertThat(decoded.peerNonce()).isSameAs(previous.peerNonce());
            Frame other = new Frame(FrameType.HEARTBEAT, "node-b", 45, 1, "0123456789abcdee", null, null);
            byte[] third = codec.encode(other);
            assertThat(receiver.decode(third, third.length, memo)).isEqualTo(other);
            assertThat(receiver.decode(second, second.length, memo)).as("the memo follows the sender's changes")
                    .isEqualTo(next);
        }
    }

    @Test
    void aChangedNonceIsValidatedAgainAndARefusedOneIsNotRemembered() {
        byte[] b = "{\"v\":1,\"t\":\"hb\",\"seq\":2,\"ts\":9,\"n\":\"AB\"}".getBytes(StandardCharsets.UTF_8);
        SenderMemo memo = primedMemo();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> new FrameCodec(null).decode(b, b.length, memo))
                    .isInstanceOf(WireFormatException.class).hasMessageContaining("lower-case hex");
        }
    }

    @Test
    void anExpectedPeerNonceDecodesToTheVeryInstanceGivenAndOnlyANonceIsTaken() throws Exception {
        SenderMemo memo = new SenderMemo();
        String mine = new String("0123456789abcdef"); // a distinct instance
        memo.expectPeerNonce(mine);
        byte[] b = "{\"v\":1,\"t\":\"hb\",\"seq\":2,\"ts\":9,\"n\":\"ab\",\"pn\":\"0123456789abcdef\"}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new FrameCodec(null).decode(b, b.length, memo).peerNonce()).isSameAs(mine);
        assertThatThrownBy(() -> memo.expectPeerNonce("NOT-HEX")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lower-case hex");
    }

    private interface Decoding {
        Frame run() throws WireFormatException;
    }

    private static Object outcome(Decoding d) {
        try {
            return d.run();
        } catch (WireFormatException e) {
            return "error(" + e.authentication() + "): " + e.getMessage().replaceAll(" at \\[Source.*", "");
        }
    }

    @Test
    void encodeIntoMatchesEncodeAndGrowsForLongIds() throws Exception {
        FrameCodec codec = new FrameCodec(SECRET);
        Frame big = new Frame(FrameType.HELLO, "x".repeat(600), Long.MAX_VALUE, 0, "ab", null, null);
        int n = codec.encodeInto(big);
        byte[] copy = java.util.Arrays.copyOf(codec.scratch(), n);
        assertThat(copy).isEqualTo(new FrameCodec(SECRET).encode(big));
        assertThat(new FrameCodec(SECRET).decode(copy, copy.length)).isEqualTo(big);
    }

    @Test
    void numbersAreWrittenInPlainDecimalAtEveryDigitCount() throws Exception {
        FrameCodec codec = new FrameCodec(null);
        long[] values = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 12345, 1_732_676_400_000L, 999_999_999_999_999_999L,
            1_000_000_000_000_000_000L, Long.MAX_VALUE, -1, -10, -123};
        for (long v : values) {
            Frame f = new Frame(FrameType.HEARTBEAT, "n", v, v, "ab", "cd", null);
            String text = new String(codec.encode(f), StandardCharsets.US_ASCII);
            assertThat(text).as("value %d", v).contains("\"seq\":" + v + ",\"ts\":" + v + ",");
            if (v > 0) { // the decoder's own rules for seq and ts apply from here
                assertThat(codec.decode(codec.encode(f), codec.encode(f).length)).isEqualTo(f);
            }
        }
    }
}

package io.vigil.peer.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.peer.wire.Frame;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.FrameType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The load generator's hand-written frames against the real codec. */
class LoadFramesTest {

    private static final String CLIENT_NONCE = "0123456789abcdef";
    private static final String SERVER_NONCE = "fedcba98765432100123456789abcdef";
    private final FrameCodec codec = new FrameCodec(null);

    private Frame decodeLine(byte[] line) throws Exception {
        assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
        assertThat(Arrays.copyOf(line, line.length - 1)).doesNotContain((byte) '\n');
        return codec.decode(line, line.length - 1);
    }

    @Test
    void helloIsWhatTheCodecDecodes() throws Exception {
        byte[] hello = LoadFrames.hello("load-7", 1, 1_732_676_400_000L, CLIENT_NONCE);

        assertThat(decodeLine(hello)).isEqualTo(new Frame(FrameType.HELLO, "load-7", 1, 1_732_676_400_000L,
                CLIENT_NONCE, null, null));
    }

    @Test
    void heartbeatIsByteForByteTheCodecsEncoding() throws Exception {
        byte[] ts = new byte[LoadFrames.MAX_DECIMAL_DIGITS];
        int tsLength = LoadFrames.formatDecimal(1_732_676_400_123L, ts);
        byte[] head = LoadFrames.heartbeatHead("load-9999");
        byte[] tail = LoadFrames.heartbeatTail(CLIENT_NONCE, SERVER_NONCE);
        ByteBuffer out = ByteBuffer.allocateDirect(LoadFrames.maxHeartbeatBytes(head, tail));

        LoadFrames.putHeartbeat(out, head, 42, ts, tsLength, tail);

        out.flip();
        byte[] line = new byte[out.remaining()];
        out.get(line);
        Frame expected = new Frame(FrameType.HEARTBEAT, "load-9999", 42, 1_732_676_400_123L, CLIENT_NONCE,
                SERVER_NONCE, null);
        assertThat(decodeLine(line)).isEqualTo(expected);
        assertThat(new String(line, StandardCharsets.US_ASCII))
                .isEqualTo(new String(codec.encode(expected), StandardCharsets.US_ASCII) + "\n");
    }

    @Test
    void decimalsAreFormattedAtTheExtremes() {
        for (long v : new long[] {0, 9, 10, 99, 100, 1_732_676_400_000L, Long.MAX_VALUE}) {
            byte[] digits = new byte[LoadFrames.MAX_DECIMAL_DIGITS];
            int length = LoadFrames.formatDecimal(v, digits);
            assertThat(new String(digits, 0, length, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));

            ByteBuffer out = ByteBuffer.allocate(32).put((byte) 'x');
            LoadFrames.putDecimal(out, v);
            assertThat(new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII)).isEqualTo("x" + v);
        }
    }

    @Test
    void serverNonceIsTakenFromTheServersHello() {
        // The server's hello, as the real server encodes it: its own id may contain the marker text, escaped.
        byte[] hello = codec.encode(new Frame(FrameType.HELLO, "srv,\"n\":\"aaaa\"", 7, 1_732_676_400_000L,
                SERVER_NONCE, CLIENT_NONCE, null));

        assertThat(LoadFrames.serverNonce(hello, hello.length, CLIENT_NONCE)).isEqualTo(SERVER_NONCE);
    }

    @Test
    void aServerHelloThatDoesNotEchoOurNonceOrIsNoHelloIsRefused() {
        byte[] otherPn = codec.encode(new Frame(FrameType.HELLO, "srv", 1, 1, SERVER_NONCE, "abcdef", null));
        byte[] heartbeat = codec.encode(new Frame(FrameType.HEARTBEAT, "srv", 1, 1, SERVER_NONCE, CLIENT_NONCE,
                null));
        byte[] badNonce = "{\"v\":1,\"t\":\"hello\",\"seq\":1,\"ts\":1,\"n\":\"XYZ\",\"pn\":\"0123456789abcdef\"}"
                .getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> LoadFrames.serverNonce(otherPn, otherPn.length, CLIENT_NONCE))
                .hasMessageContaining("not our nonce");
        assertThatThrownBy(() -> LoadFrames.serverNonce(heartbeat, heartbeat.length, CLIENT_NONCE))
                .hasMessageContaining("expected the server's hello");
        assertThatThrownBy(() -> LoadFrames.serverNonce(badNonce, badNonce.length, CLIENT_NONCE))
                .hasMessageContaining("no valid n");
    }
}

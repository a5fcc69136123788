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
}

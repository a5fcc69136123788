package io.vigil.fuzz;

import io.vigil.config.ConfigException;
import io.vigil.config.ConfigLoader;
import io.vigil.peer.wire.FrameCodec;
import io.vigil.peer.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The config readers (Vigil YAML and ONAP JSON, both through {@link ConfigLoader#parse}) answer any document with a
 * configuration or a {@link ConfigException}; the peer frame codec answers any frame with a frame or a
 * {@link WireFormatException}, with and without a shared secret. Nothing else escapes, nothing hangs.
 */
class ParserFuzzTest {
    @Provide
    Arbitrary<byte[]> configs() {
        return FuzzInputs.of("config");
    }

    @Provide
    Arbitrary<byte[]> frames() {
        return FuzzInputs.of("frame");
    }

    @Property
    void anyConfigDocumentIsAConfigOrAConfigException(@ForAll("configs") byte[] doc) {
        String text = new String(doc, StandardCharsets.UTF_8);
        FuzzInputs.expectOnly(doc, () -> ConfigLoader.parse(text, "fuzz"), ConfigException.class);
    }

    @Property
    void anyFrameIsAFrameOrAWireFormatException(@ForAll("frames") byte[] frame) {
        FuzzInputs.expectOnly(frame, () -> new FrameCodec(null).decode(frame, frame.length), WireFormatException.class);
        FuzzInputs.expectOnly(frame, () -> new FrameCodec("s3cret".getBytes(StandardCharsets.UTF_8)).decode(frame, frame.length),
                WireFormatException.class);
    }
}

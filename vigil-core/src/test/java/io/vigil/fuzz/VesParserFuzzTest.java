package io.vigil.fuzz;

import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The VES parser answers any body with a batch or a {@link VesFormatException}: nothing else escapes, nothing hangs. */
class VesParserFuzzTest {
    @Provide
    Arbitrary<byte[]> bodies() {
        return FuzzInputs.of("ves");
    }

    @Property
    void anyBodyIsABatchOrAVesFormatException(@ForAll("bodies") byte[] body) {
        FuzzInputs.expectOnly(body, () -> VesParser.parse(body), VesFormatException.class);
    }
}

package io.vigil.collect.rpc;

import io.vigil.fuzz.FuzzInputs;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The collector RPC's request body ({@code get_all}/{@code get_changes}): any body is a list of datasource names or an
 * {@link IllegalArgumentException} (answered 400); nothing else escapes, nothing hangs.
 */
class CollectorRpcFuzzTest {
    @Provide
    Arbitrary<byte[]> bodies() {
        return FuzzInputs.of("rpc");
    }

    @Property
    void anyBodyIsDatasourceNamesOrABadRequest(@ForAll("bodies") byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        FuzzInputs.expectOnly(body, () -> CollectorRpcHandler.datasources(text), IllegalArgumentException.class);
    }
}

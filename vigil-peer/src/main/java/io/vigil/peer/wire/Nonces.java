package io.vigil.peer.wire;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Supplier;

/** Random 128-bit nonces in lower-case hex, as frames carry them. Thread-safe. */
public final class Nonces implements Supplier<String> {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public String get() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}

package io.vigil.collect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes executable {@code /bin/sh} scripts for tests of command checks, discovery commands and actions. */
public final class Scripts {
    private Scripts() {
    }

    /** Writes {@code dir/name} with {@code #!/bin/sh} and {@code body}, executable; returns its absolute path. */
    public static String write(Path dir, String name, String body) {
        Path p = dir.resolve(name);
        try {
            Files.writeString(p, "#!/bin/sh\n" + body);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.toAbsolutePath().toString();
    }
}

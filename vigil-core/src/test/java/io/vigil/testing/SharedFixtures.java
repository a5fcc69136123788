package io.vigil.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the read-only reference data in {@code ../shared/} (ONAP fixtures and format examples) from any module's
 * test working directory: walks up to the project root (the folder holding {@code mvnw}).
 */
public final class SharedFixtures {
    private SharedFixtures() {
    }

    public static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("cannot find the project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
        return p;
    }

    /** {@code ../shared/<relative>} next to the project root. */
    public static Path shared(String relative) {
        return projectRoot().resolveSibling("shared").resolve(relative);
    }

    public static String read(String relative) {
        try {
            return Files.readString(shared(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("shared fixture missing: " + shared(relative), e);
        }
    }
}

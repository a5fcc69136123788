package io.vigil.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files outside the module: the repository root holds {@code mvnw} and {@code examples/}. */
final class ProjectFiles {
    private ProjectFiles() {
    }

    /** Walks up from the working directory (surefire runs in the module dir) to the directory holding mvnw. */
    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }

    /** {@code examples/<name>} of the repository. */
    static Path example(String name) {
        return repoRoot().resolve("examples").resolve(name);
    }

    /** A test resource under src/test/resources/config. */
    static Path resource(String name) {
        try {
            return Path.of(ProjectFiles.class.getResource("/config/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource config/" + name, e);
        }
    }
}

package io.vigil.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test data the project carries: files under the repository root (e.g. {@code examples/}) and test resources on the
 * class path. Every test that reads only these runs on a clone anywhere; ONAP's recorded output is
 * {@link OnapRecordings}' business.
 */
public final class ProjectFiles {
    private ProjectFiles() {
    }

    /** The repository root: the first folder holding {@code mvnw} above the working directory (a module dir in surefire). */
    public static Path projectRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("cannot find the project root (a folder with mvnw) above " + Path.of("").toAbsolutePath());
    }

    /** {@code examples/<name>} of the repository. */
    public static Path example(String name) {
        return projectRoot().resolve("examples").resolve(name);
    }

    /** A test resource of the calling module, read as UTF-8; {@code name} is relative to the class-path root. */
    public static String resource(String name) {
        try (InputStream in = ProjectFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}

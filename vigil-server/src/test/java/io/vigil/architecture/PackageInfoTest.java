package io.vigil.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every main package of every module (vigil-bench aside) says in its {@code package-info.java} what it is for (issue
 * 18). Read from the source tree, not the classes, so a package is caught whether or not its module was built.
 */
class PackageInfoTest {
    /** Benchmarks and load generators: not part of the product, so they carry no package documentation. */
    private static final String EXEMPT_MODULE = "vigil-bench";

    @Test
    void everyMainPackageHasAPackageInfo() throws IOException {
        Path root = repoRoot();
        List<Path> sourceRoots;
        try (Stream<Path> modules = Files.list(root)) {
            sourceRoots = modules.filter(m -> !m.getFileName().toString().equals(EXEMPT_MODULE))
                    .filter(m -> Files.isRegularFile(m.resolve("pom.xml")))
                    .map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .sorted()
                    .toList();
        }
        assertThat(sourceRoots).as("modules with main sources under " + root).isNotEmpty();

        var missing = new TreeSet<String>();
        for (Path sources : sourceRoots) {
            String module = root.relativize(sources.getParent().getParent().getParent()).toString();
            try (Stream<Path> files = Files.walk(sources)) {
                files.filter(f -> f.toString().endsWith(".java"))
                        .map(Path::getParent)
                        .distinct()
                        .filter(dir -> !Files.isRegularFile(dir.resolve("package-info.java")))
                        .forEach(dir -> missing.add(module + ": " + packageName(sources, dir)));
            }
        }
        assertThat(missing)
                .as("packages without package-info.java (one or two sentences on what the package is for)")
                .isEmpty();
    }

    /** Walks up from the working directory (surefire runs in the module dir) to the directory holding mvnw. */
    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }

    private static String packageName(Path sources, Path dir) {
        return sources.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), ".");
    }
}

package io.vigil.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * ONAP's recorded output (what its heartbeat service read and published), kept outside the project: by default in
 * {@code ../shared/onap-fixtures} next to the repository root, as in CI; the environment variable
 * {@code VIGIL_ONAP_FIXTURES} names another folder. Only {@link Conformance} tests read it; as their execution
 * condition this class skips them, saying why, when the folder is missing.
 */
public final class OnapRecordings implements ExecutionCondition {
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** The folder of recordings, whether or not it exists. */
    public static Path dir() {
        String env = System.getenv("VIGIL_ONAP_FIXTURES");
        if (env != null && !env.isBlank()) return Path.of(env).toAbsolutePath();
        return ProjectFiles.projectRoot().resolveSibling("shared").resolve("onap-fixtures");
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }

    public static String read(String name) {
        return ProjectFiles.read(file(name));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Path dir = dir();
        if (Files.isDirectory(dir)) return ConditionEvaluationResult.enabled("ONAP's recordings found at " + dir);
        String why = "conformance group skipped: ONAP's recorded output not found at " + dir
                + " (CI provides it; set VIGIL_ONAP_FIXTURES to a copy to run the group here)";
        if (WARNED.compareAndSet(false, true)) System.err.println("WARNING: " + why);
        return ConditionEvaluationResult.disabled(why);
    }
}

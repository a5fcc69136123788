package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 19.2: out of memory, the process ends (a supervisor restarts it) instead of limping on. */
class FatalErrorsTest {
    private final List<Integer> halted = new ArrayList<>();
    private final FatalErrors fatal = new FatalErrors(halted::add);

    @Test
    void anOutOfMemoryErrorEndingAThreadHaltsTheProcessWithCode3() {
        fatal.uncaught(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
        assertThat(halted).containsExactly(FatalErrors.EXIT_CODE);
        fatal.onEventLoopError(new StackOverflowError());
        assertThat(halted).containsExactly(3, 3);
    }

    @Test
    void otherUncaughtExceptionsAreLoggedOnly() {
        fatal.uncaught(Thread.currentThread(), new IllegalStateException("a bug"));
        fatal.onEventLoopError(new AssertionError("a bug"));
        assertThat(halted).isEmpty();
    }

    @Test
    void theLauncherAlwaysPassesExitOnOutOfMemoryError() throws Exception {
        String launcher = Files.readString(io.vigil.testing.ProjectFiles.projectRoot().resolve("vigil"));
        assertThat(launcher).containsPattern("exec \"\\$JAVA_HOME/bin/java\" -XX:\\+ExitOnOutOfMemoryError ");
        String debPackage = Files.readString(io.vigil.testing.ProjectFiles.projectRoot().resolve("packaging/deb/build.sh"));
        assertThat(debPackage).contains("JAVA_OPTIONS=(-XX:+ExitOnOutOfMemoryError ");
    }
}

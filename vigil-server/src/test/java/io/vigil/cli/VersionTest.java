package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil --version}: what the packaged launcher and operators use to tell what runs. */
class VersionTest {

    @Test
    void versionOptionPrintsVigilsAndJavasVersionAndExitsZero() {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new VigilCli());
        cli.setOut(new PrintWriter(out, true));
        assertThat(cli.execute("--version")).isZero();
        assertThat(out.toString().strip()).startsWith("vigil ").endsWith("(Java " + Runtime.version() + ")");
    }
}

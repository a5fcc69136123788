package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil serve --config} refuses what is not a configuration file before it starts anything. */
class ServeCommandTest {

    /** Runs serve in-process; it prints to System.err, captured here. */
    private static String serveRefuses(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> new CommandLine(new ServeCommand()).execute(args));
            assertThat(code).isEqualTo(2);
        } finally {
            System.setErr(before);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeviceOrAFifoAsConfigExitsTwoWithoutReadingIt(@TempDir Path dir) throws Exception {
        assertThat(serveRefuses("--config", "/dev/zero", "--data-dir", dir.toString())).contains("not a regular file");
        Path fifo = dir.resolve("config.fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        assertThat(serveRefuses("--config", fifo.toString(), "--data-dir", dir.toString())).contains("not a regular file");
        assertThat(serveRefuses("--config", dir.resolve("missing.yaml").toString(), "--data-dir", dir.toString()))
                .contains("file not found");
    }
}

package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil config check}, run in-process through picocli. */
class ConfigCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = new CommandLine(new ConfigCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("no mvnw above the working directory");
    }

    @Test
    void validOnapConfigPrintsSummaryAndExitsZero() {
        int code = run("check", root().resolve("examples/onap-config.json").toString());
        assertThat(code).isZero();
        assertThat(out.toString().strip()).isEqualTo("OK: 2 monitors (Heartbeat_vDNS, Heartbeat_vFW), ingest: dmaap, publish: dmaap");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void validYamlWithJsonPrintsTheNormalizedConfigWithMaskedPasswords() {
        int code = run("check", "--json", root().resolve("examples/vigil.yaml").toString());
        assertThat(code).isZero();
        assertThat(out.toString()).contains("\"eventName\" : \"Heartbeat_vFW\"", "\"heartbeatInterval\" : \"30s\"",
                "\"type\" : \"webhook\"");
    }

    @Test
    void invalidConfigPrintsEveryErrorOnStderrAndExitsTwo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                http: {prot: 1}
                monitors:
                  - eventName: E
                    heartbeatInterval: -3
                publish: [{type: webhook}]
                """);
        int code = run("check", file.toString());
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString().lines()).containsExactly(
                file + ": invalid configuration (3 errors)",
                "http.prot: unknown key (did you mean \"port\"?); known keys here: port, host, maxBodyBytes, auth",
                "monitors[0].heartbeatInterval: must be a positive duration like 500ms, 2s, 5m (got \"-3\")",
                "publish[0].url: required for type webhook");
    }

    @Test
    void missingFileExitsTwoWithAMessage() {
        assertThat(run("check", "/nonexistent/vigil.yaml")).isEqualTo(2);
        assertThat(err.toString()).contains("file not found: /nonexistent/vigil.yaml");
    }

    @Test
    void missingFileArgumentOrSubcommandIsAUsageError() {
        assertThat(run("check")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Usage:");
    }
}

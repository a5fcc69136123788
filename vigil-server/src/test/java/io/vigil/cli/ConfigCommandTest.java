package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    void keysListsEveryDeclaredKeyWithItsReloadPolicy() {
        assertThat(run("keys")).isZero();
        assertThat(out.toString()).contains("http.port  integer 0–65535  default `8080`  restart",
                "limits.maxSources  integer ≥ 1  default `2000000`  live");
    }

    @Test
    void keysAsJsonIsAnArrayOfDeclarations() {
        assertThat(run("keys", "--json")).isZero();
        assertThat(out.toString()).contains("\"path\" : \"detection.grace\"", "\"reload\" : \"restart\"",
                "\"path\" : \"publish[].headers\"", "\"variants\" : [ \"webhook\" ]");
    }

    @Test
    void keysAsMarkdownAreTheTablesOfTheDocs() throws Exception {
        assertThat(run("keys", "--markdown")).isZero();
        String docs = Files.readString(root().resolve("docs/configuration.md"));
        for (String block : out.toString().split("\n\n")) {
            if (!block.isBlank()) assertThat(docs).contains(block.strip());
        }
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
                "http.prot: unknown key (did you mean \"port\"?); known keys here: port, host, maxBodyBytes, auth, tls, maxConnections, idleTimeout, headerTimeout",
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

    @Test
    void aDeviceIsRefusedAsNotARegularFileWithoutReadingIt() {
        assertThat(run("check", "/dev/zero")).isEqualTo(2);
        assertThat(err.toString()).contains("/dev/zero: invalid configuration (1 error)", "not a regular file");
    }

    @Test
    void aFifoIsRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("config.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        // nobody writes to it: opening it for reading would block for ever
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(run("check", fifo.toString())).isEqualTo(2));
        assertThat(err.toString()).contains("not a regular file");
        assertThat(run("check", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("not a regular file (a directory)");
    }

    @Test
    void aFileLargerThanTheLimitIsRefusedBeforeItIsParsed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("huge.yaml");
        try (var out = Files.newBufferedWriter(file)) {
            out.write("monitors:\n  - heartbeatInterval: 1s\n    eventName: ");
            char[] chunk = new char[1 << 20];
            java.util.Arrays.fill(chunk, 'x');
            for (int i = 0; i < 50; i++) out.write(chunk); // a 50 M-character eventName
            out.write("\n");
        }
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(run("check", file.toString())).isEqualTo(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(err.toString()).contains("too large", "at most 4194304 bytes");
    }

    @Test
    void aLongScalarUnderTheFileLimitIsRefusedQuicklyNamingItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("long.yaml");
        Files.writeString(file, "monitors:\n  - heartbeatInterval: 1s\n    eventName: " + "x".repeat(3_000_000) + "\n");
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThat(run("check", file.toString())).isEqualTo(2));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(err.toString()).contains("line 3: longer than 65536 characters");
    }

    @Test
    void aNameLongerThanIngestAllowsIsAnErrorEvenWhenTheLineFits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("name.yaml");
        Files.writeString(file, "monitors:\n  - heartbeatInterval: 1s\n    eventName: " + "x".repeat(1000) + "\n");
        assertThat(run("check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("monitors[0].eventName: longer than 255 characters (1000)");
    }

    @Test
    void jsonMasksEverySecretBearingValue(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.yaml");
        Files.writeString(file, """
                http: {auth: {user: admin, password: http-pw}}
                store: {url: "jdbc:postgresql://vigil:url-pw@db:5432/vigil?password=param-pw", user: vigil, password: store-pw}
                ingest:
                  dmaap: {url: "http://mr-user:mr-url-pw@mr:3904/events/T", auth: {user: u, password: mr-pw}}
                  kafka: {bootstrapServers: k:9092, topic: t, properties: {sasl.jaas.config: "x password=jaas-pw;", client.id: vigil}}
                publish:
                  - {type: webhook, url: "http://hook-user:hook-pw@hooks/x?token=hook-token", headers: {Authorization: "Bearer bearer-token", X-Api-Key: api-key-value, X-Source: vigil}}
                  - {type: kafka, bootstrapServers: k:9092, topic: o, properties: {ssl.key.password: key-pw}}
                config:
                  remote: {url: "http://cbs-user:cbs-pw@cbs/service_component/vigil"}
                """);
        assertThat(run("check", "--json", file.toString())).isZero();
        String json = out.toString();
        for (String secret : List.of("http-pw", "url-pw", "param-pw", "store-pw", "mr-url-pw", "mr-pw", "jaas-pw",
                "hook-pw", "hook-token", "bearer-token", "api-key-value", "key-pw", "cbs-pw")) {
            assertThat(json).as(secret).doesNotContain(secret);
        }
        assertThat(json).contains("\"X-Source\" : \"vigil\"", "\"client.id\" : \"vigil\"",
                "\"Authorization\" : \"******\"", "http://******@hooks/x?token=******");
    }
}

package io.vigil.metrics;

import static io.vigil.server.RunningServer.heartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.server.RunningServer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus' own tool judges what Vigil hands to Prometheus: the {@code /metrics} page of a running server
 * ({@code promtool check metrics}) and the alerting rules in {@code examples/prometheus/} ({@code promtool check
 * rules} and their unit tests, {@code promtool test rules}). promtool comes with the Debian package
 * {@code prometheus}; without it these tests are skipped, saying so, except under CI (env {@code CI}) where they fail.
 */
class PrometheusToolsTest {
    private static final Path RULES = repoRoot().resolve("examples/prometheus");
    private static String promtool;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPromtool() {
        promtool = onPath("promtool");
        String missing = "promtool not found on the PATH (install the Debian package prometheus: apt-get install prometheus)";
        if (promtool == null && System.getenv("CI") != null) throw new IllegalStateException(missing + "; CI must run these checks");
        Assumptions.assumeTrue(promtool != null, missing + ": Prometheus checks skipped");
    }

    @Test
    void metricsPageOfARunningServerPassesPromtoolCheckMetrics() throws Exception {
        try (RunningServer vigil = RunningServer.start(dir, """
                monitors:
                  - {eventName: Heartbeat_vDNS, heartbeatInterval: 1s, missedHeartbeats: 3}
                publish:
                  - {type: webhook, url: "http://127.0.0.1:9/closed"}
                """)) {
            assertThat(vigil.post("/eventListener/v7", heartbeat("Heartbeat_vDNS", "vdns-1")).statusCode()).isEqualTo(202);
            assertThat(vigil.post("/eventListener/v7", "{not json").statusCode()).isEqualTo(400);
            var page = vigil.get("/metrics");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("vigil_ingest_heartbeats_total", "vigil_sink_lag_records", "vigil_ingest_held");

            Result r = run(page.body(), promtool, "check", "metrics");
            assertThat(r.exit()).as("promtool check metrics said:%n%s", r.output()).isZero();
        }
    }

    @Test
    void alertingRulesPassPromtoolCheckRules() throws Exception {
        Result r = run(null, promtool, "check", "rules", RULES.resolve("vigil-alerts.yaml").toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void alertingRulesPassTheirUnitTests() throws Exception {
        Result r = run(null, promtool, "test", "rules", RULES.resolve("vigil-alerts.test.yaml").toString());
        assertThat(r.exit()).as(r.output()).isZero();
    }

    @Test
    void everyAlertIsUnitTestedAndUsesMetricsThatExist() throws Exception {
        String rules = Files.readString(RULES.resolve("vigil-alerts.yaml"));
        String tests = Files.readString(RULES.resolve("vigil-alerts.test.yaml"));
        List<String> alerts = rules.lines().map(String::strip).filter(l -> l.startsWith("- alert: "))
                .map(l -> l.substring("- alert: ".length())).toList();
        assertThat(alerts).contains("VigilDown", "VigilNoActiveInstance", "VigilSinkLagging", "VigilIngestHeld",
                "VigilDeadLetters");
        for (String alert : alerts) assertThat(tests).as("a promtool unit test for " + alert).contains("alertname: " + alert);
    }

    private record Result(int exit, String output) {
    }

    private static Result run(String stdin, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out);
    }

    private static String onPath(String name) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        dirs.add("/usr/bin");
        for (String d : dirs) {
            Path p = Path.of(d.isEmpty() ? "." : d, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
}

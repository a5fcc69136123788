package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.server.RunningServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil collector} as a process: what its help and docs/collect.md promise about the port and the id. */
class CollectorCommandTest {
    @TempDir
    Path dir;
    Process process;

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withPortZeroAndNoIdTheDefaultIdNamesThePortItListensOn() throws Exception {
        Path config = Files.writeString(dir.resolve("collect.yaml"), """
                collect:
                  datasources:
                    - {name: local, instances: [{id: i-1, ip: 127.0.0.1}]}
                """);
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.vigil.cli.VigilCli", "collector", "--config", config.toString(), "--port", "0", "--host", "127.0.0.1",
                "--data-dir", dir.resolve("queue").toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("collector.err").toFile()))
                .start();
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) if (line.contains("\"listening\"")) return line;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("the collector ended before listening");
        });
        String line;
        try {
            line = listening.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("collector did not start; stderr: " + Files.readString(dir.resolve("collector.err")), e);
        }
        int port = RunningServer.json(line).path("port").asInt();
        assertThat(port).isPositive();

        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(RunningServer.json(health.body()).path("collector").asText()).startsWith("collector@").endsWith(":" + port);
    }
}

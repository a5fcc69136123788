package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fetching a config binding service's answer over a real socket on 127.0.0.1. */
class RemoteConfigTest {
    private HttpServer server;
    private String base;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String onap = Files.readString(ProjectFiles.example("onap-config.json"));
        serve("/plain", 200, onap);
        serve("/wrapped", 200, "{\"config\": " + onap + ", \"policies\": {\"items\": []}}");
        serve("/yaml", 200, "monitors:\n  - eventName: E\n    heartbeatInterval: 2s\n");
        serve("/invalid", 200, "{\"heartbeat_config\": {\"vnfs\": [{\"eventName\": \"E\"}]}}");
        serve("/missing", 404, "no such service component");
        server.createContext("/hang", exchange -> {
            try {
                release.await(10, TimeUnit.SECONDS); // answer only after the client has given up
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private void serve(String path, int status, String body) {
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
    }

    @Test
    void plainOnapObjectIsFetchedAndParsed() throws Exception {
        VigilConfig c = new RemoteConfig(Duration.ofSeconds(5)).fetch(base + "/plain");
        assertThat(c.source()).isEqualTo(ConfigSource.ONAP_JSON);
        assertThat(c.monitors()).hasSize(2);
    }

    @Test
    void answerWrappedInConfigIsAcceptedToo() throws Exception {
        RemoteConfig remote = new RemoteConfig(Duration.ofSeconds(5));
        assertThat(remote.fetch(base + "/wrapped")).isEqualTo(remote.fetch(base + "/plain"));
    }

    @Test
    void vigilYamlIsAcceptedFromTheRemoteEndpoint() throws Exception {
        assertThat(new RemoteConfig(Duration.ofSeconds(5)).fetch(base + "/yaml").monitors()).hasSize(1);
    }

    @Test
    void invalidRemoteConfigIsAConfigExceptionNamingTheUrl() {
        assertThatThrownBy(() -> new RemoteConfig(Duration.ofSeconds(5)).fetch(base + "/invalid"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.origin()).isEqualTo(base + "/invalid");
                    assertThat(e.errors()).extracting(ConfigError::path).containsExactly(
                            "heartbeat_config.vnfs[0].heartbeatinterval", "heartbeat_config.vnfs[0].heartbeatcountmissed");
                });
    }

    @Test
    void non2xxAnswerIsAFetchErrorWithStatusAndBody() {
        assertThatThrownBy(() -> new RemoteConfig(Duration.ofSeconds(5)).fetch(base + "/missing"))
                .isInstanceOf(RemoteConfigException.class)
                .hasMessage("remote config " + base + "/missing: HTTP 404 no such service component");
    }

    @Test
    void silentServerTimesOut() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> new RemoteConfig(Duration.ofMillis(300)).fetch(base + "/hang"))
                .isInstanceOf(RemoteConfigException.class)
                .hasMessage("remote config " + base + "/hang: no answer within 300ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void refusedConnectionIsAFetchError() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> new RemoteConfig(Duration.ofSeconds(2)).fetch("http://127.0.0.1:" + closedPort + "/cfg"))
                .isInstanceOf(RemoteConfigException.class)
                .hasMessageStartingWith("remote config http://127.0.0.1:" + closedPort + "/cfg: cannot connect");
    }

    @Test
    void malformedUrlIsAFetchError() {
        assertThatThrownBy(() -> new RemoteConfig().fetch("not a url"))
                .isInstanceOf(RemoteConfigException.class).hasMessageContaining("is not a valid http(s) URL");
    }

    @Test
    void urlComesFromVigilVariableElseFromOnapBindingServiceVariables() {
        assertThat(RemoteConfig.urlFromEnvironment(Map.of("VIGIL_CONFIG_URL", "http://x/cfg", "CONFIG_BINDING_SERVICE", "cbs")))
                .isEqualTo("http://x/cfg");
        assertThat(RemoteConfig.urlFromEnvironment(Map.of("CONFIG_BINDING_SERVICE", "config-binding-service",
                "HOSTNAME", "dcae-heartbeat"))).isEqualTo("http://config-binding-service:10000/service_component/dcae-heartbeat");
        assertThat(RemoteConfig.urlFromEnvironment(Map.of("HOSTNAME", "h"))).isNull();
    }

    @Test
    void anAnswerLargerThanAConfigurationMayBeIsAFetchErrorWithoutReadingItAll() {
        serve("/huge", 200, "# " + "x".repeat(ConfigLoader.MAX_BYTES) + "\n");
        assertThatThrownBy(() -> new RemoteConfig().fetch(base + "/huge"))
                .isInstanceOf(RemoteConfigException.class).hasMessageContaining("larger than " + ConfigLoader.MAX_BYTES);
    }
}

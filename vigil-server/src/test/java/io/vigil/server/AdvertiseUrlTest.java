package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vigil.config.ConfigErrors;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigJson;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import io.vigil.server.ha.PeerDirectory;
import io.vigil.store.instance.InstanceRecord;
import io.vigil.store.instance.InstanceRepository;
import io.vigil.store.testing.TestDatabases;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ha.advertiseUrl}: validated like every key, and the URL an instance announces in the {@code instances} table
 * (below the environment variable {@code VIGIL_HA_ADVERTISE_URL}, above the one derived from {@code http.host}).
 */
class AdvertiseUrlTest {
    private static final String PG = "store: {url: 'jdbc:postgresql://db/vigil'}\n";

    @TempDir
    Path dir;

    private static String advertiseUrlOf(String url) throws ConfigException {
        return ConfigLoader.parse(PG + "ha: {enabled: true, advertiseUrl: '" + url + "'}\n", "t.yaml").ha().advertiseUrl();
    }

    @Test
    void anAbsoluteHttpOrHttpsUrlIsAcceptedAndATrailingSlashDropped() throws Exception {
        assertThat(advertiseUrlOf("http://vigil-a.example:8080")).isEqualTo("http://vigil-a.example:8080");
        assertThat(advertiseUrlOf("https://10.0.0.7:8443/")).isEqualTo("https://10.0.0.7:8443");
        assertThat(advertiseUrlOf("https://proxy.example/vigil-a/")).isEqualTo("https://proxy.example/vigil-a");
        assertThat(advertiseUrlOf("http://[fd00::7]:8080")).isEqualTo("http://[fd00::7]:8080");
        VigilConfig c = ConfigLoader.parse(PG + "ha: {enabled: true, advertiseUrl: 'http://vigil-a:8080'}\n", "t.yaml");
        assertThat(ConfigJson.toTree(c, true).path("ha").path("advertiseUrl").asText()).isEqualTo("http://vigil-a:8080");
    }

    @Test
    void absentMeansDerivedFromTheHttpAddress() throws Exception {
        assertThat(ConfigLoader.parse(PG + "ha: {enabled: true}\n", "t.yaml").ha().advertiseUrl()).isNull();
        assertThat(ConfigLoader.parse("monitors: []\n", "t.yaml").ha().advertiseUrl()).isNull();
    }

    @Test
    void everyBadUrlIsReportedAtOnceUnderItsPath() {
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: 'vigil-a:8080'}\n")).containsExactly(
                "ha.advertiseUrl: must be an http:// or https:// URL with a host (got \"vigil-a:8080\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: '/relative/path'}\n")).containsExactly(
                "ha.advertiseUrl: must be an http:// or https:// URL with a host (got \"/relative/path\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: 'ftp://vigil-a'}\n")).containsExactly(
                "ha.advertiseUrl: must be an http:// or https:// URL with a host (got \"ftp://vigil-a\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: 'http://vigil a:8080'}\n")).containsExactly(
                "ha.advertiseUrl: must be an http:// or https:// URL with a host (got \"http://vigil a:8080\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: 'http://vigil-a:8080/?token=1'}\n")).containsExactly(
                "ha.advertiseUrl: must not have a query or fragment: the other instances append the request path to it "
                        + "(got \"http://vigil-a:8080/?token=1\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: 'http://vigil-a:8080#x'}\n")).containsExactly(
                "ha.advertiseUrl: must not have a query or fragment: the other instances append the request path to it "
                        + "(got \"http://vigil-a:8080#x\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseUrl: [http://a]}\n")).containsExactly(
                "ha.advertiseUrl: must be a text value (got a list)");
        // together with the other errors of the file, not instead of them
        assertThat(ConfigErrors.of(PG + "http: {port: 70000}\nha: {enabled: true, leaseTtl: -1s, advertiseUrl: 'mailto:a@b'}\n"))
                .containsExactly(
                        "http.port: must be an integer from 0 to 65535 (got \"70000\")",
                        "ha.leaseTtl: must be a positive duration like 500ms, 2s, 5m (got \"-1s\")",
                        "ha.advertiseUrl: must be an http:// or https:// URL with a host (got \"mailto:a@b\")");
        assertThat(ConfigErrors.of(PG + "ha: {enabled: true, advertiseURL: 'http://a:1'}\n")).singleElement().asString()
                .startsWith("ha.advertiseURL: unknown key (did you mean \"advertiseUrl\"?)");
    }

    @Test
    void theEnvironmentVariableWinsOverTheConfigurationWhichWinsOverTheHttpAddress() {
        assertThat(PeerDirectory.advertisedUrl("http://from-env:1/", "http://from-config:2", "10.1.1.1", 8080))
                .isEqualTo("http://from-env:1");
        assertThat(PeerDirectory.advertisedUrl(null, "http://from-config:2", "10.1.1.1", 8080)).isEqualTo("http://from-config:2");
        assertThat(PeerDirectory.advertisedUrl("  ", "http://from-config:2", "10.1.1.1", 8080)).isEqualTo("http://from-config:2");
        assertThat(PeerDirectory.advertisedUrl(null, null, "10.1.1.1", 8080)).isEqualTo("http://10.1.1.1:8080");
        assertThat(PeerDirectory.advertisedUrl(null, null, "fd00::7", 8080)).isEqualTo("http://[fd00::7]:8080");
        assertThat(PeerDirectory.advertisedUrl(null, null, "0.0.0.0", 8080)).startsWith("http://").endsWith(":8080")
                .doesNotContain("0.0.0.0");
    }

    @Test
    void anInstanceAnnouncesTheConfiguredUrl() throws Exception {
        assumeTrue(System.getenv(PeerDirectory.ADVERTISE_ENV) == null,
                PeerDirectory.ADVERTISE_ENV + " is set in this environment and would win over ha.advertiseUrl");
        try (var pg = TestDatabases.freshPostgres()) {
            String password = TestDatabases.postgresPassword();
            String yaml = """
                    http: {host: 127.0.0.1}
                    store:
                      url: %s
                      user: %s
                    %s
                    monitors:
                      - {eventName: Heartbeat_adv, heartbeatInterval: 1s}
                    ha:
                      enabled: true
                      leaseTtl: 2s
                      instanceId: vigil-adv
                      advertiseUrl: https://vigil-adv.example:8443/prefix/
                    """.formatted(pg.url(), TestDatabases.postgresUser(),
                    password.isEmpty() ? "" : "  password: \"" + password + "\"");
            try (RunningServer s = RunningServer.start(dir, yaml)) {
                String expected = "https://vigil-adv.example:8443/prefix";
                assertThat(s.server.ha().peerDirectory().orElseThrow().url()).isEqualTo(expected);
                // what the other instances read: the row in the instances table
                assertThat(new InstanceRepository(pg.database()).url("vigil-adv")).contains(expected);
                assertThat(s.server.ha().peerDirectory().orElseThrow().all()).extracting(InstanceRecord::instanceId, InstanceRecord::url)
                        .containsExactly(tuple("vigil-adv", expected));
                assertThat(s.getJson("/api/v1/status").path("ha").path("url").asText()).isEqualTo(expected);
            }
        }
    }
}

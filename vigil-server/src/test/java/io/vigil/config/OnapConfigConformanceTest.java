package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.monitor.Monitor;
import io.vigil.testing.Conformance;
import io.vigil.testing.OnapRecordings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The configuration files of ONAP's own service and tests load unchanged. */
@Conformance
class OnapConfigConformanceTest {

    @ParameterizedTest
    @ValueSource(strings = {"etc_config.json", "miss_htbt_service_config.json", "tests_test-config.json"})
    void everyOnapConfigFileLoads(String name) throws Exception {
        VigilConfig c = ConfigLoader.load(OnapRecordings.file(name));

        assertThat(c.source()).isEqualTo(ConfigSource.ONAP_JSON);
        assertThat(c.monitors()).extracting(Monitor::eventName)
                .containsExactly("Heartbeat_vDNS", "Heartbeat_vFW", "Heartbeat_xx");
        assertThat(c.monitors()).allSatisfy(m -> {
            assertThat(m.thresholdMillis()).isEqualTo(180_000);
            assertThat(m.closedLoop().policyName()).isEqualTo("vFireWall");
        });
        assertThat(c.ingest().dmaap().url()).isEqualTo("http://10.12.5.252:3904/events/unauthenticated.SEC_HEARTBEAT_INPUT");
        assertThat(c.ingest().dmaap().group()).isEqualTo("groupID");
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://10.0.4.1:5432/postgres");
        assertThat(c.store().password()).isEqualTo("postgres");
        assertThat(c.publish()).singleElement().isInstanceOf(PublishTarget.Dmaap.class);
    }

    @Test
    void decodedHeartbeatConfigMatchesTheStringForm() throws Exception {
        // ONAP's heartbeat_config decoded: as an object it must give the same monitors.
        String decoded = OnapRecordings.read("etc_config.json.heartbeat_config.decoded.json");
        VigilConfig asObject = ConfigLoader.parse("{\"heartbeat_config\": " + decoded + "}", "decoded");
        VigilConfig asString = ConfigLoader.load(OnapRecordings.file("etc_config.json"));
        assertThat(asObject.monitors()).isEqualTo(asString.monitors());
    }

    @Test
    void onapYamlPropertiesFileIsReadByKeysToo() throws Exception {
        // ONAP's fallback hbproperties.yaml uses the same pg_* / CBS_* keys in YAML; its extra keys are ignored.
        VigilConfig c = ConfigLoader.load(OnapRecordings.file("miss_htbt_service_config_hbproperties.yaml"));
        assertThat(c.source()).isEqualTo(ConfigSource.ONAP_JSON);
        assertThat(c.store().url()).isEqualTo("jdbc:postgresql://10.0.4.1:5432/postgres");
        assertThat(c.remote().pollInterval()).isEqualTo(Duration.ofMinutes(5));
    }
}

package io.vigil.secret;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What counts as a secret in shown text, and how it is masked. */
class SecretsTest {

    @Test
    void urlUserInfoAndSecretParametersAreMasked() {
        assertThat(Secrets.redactUrl("http://user:pass@hooks.example:8080/path?a=1"))
                .isEqualTo("http://******@hooks.example:8080/path?a=1");
        assertThat(Secrets.redactUrl("https://hooks.example/x?token=abc&b=2&API_KEY=k"))
                .isEqualTo("https://hooks.example/x?token=******&b=2&API_KEY=******");
        assertThat(Secrets.redactUrl("jdbc:postgresql://vigil:s3cret@db:5432/vigil?password=p;user=u"))
                .isEqualTo("jdbc:postgresql://******@db:5432/vigil?password=******;user=u");
    }

    @Test
    void urlsWithoutSecretsAndOtherTextAreUnchanged() {
        assertThat(Secrets.redactUrl("http://mr:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT/g/c?timeout=15000"))
                .isEqualTo("http://mr:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT/g/c?timeout=15000");
        assertThat(Secrets.redactUrl("log")).isEqualTo("log");
        assertThat(Secrets.redactUrl(null)).isNull();
    }

    @Test
    void credentialHeadersAndPropertiesAreMaskedByName() {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("Authorization", "Bearer abc");
        in.put("X-Api-Key", "k");
        in.put("X-Auth-Token", "t");
        in.put("sasl.jaas.config", "org.apache.kafka… password=\"p\";");
        in.put("ssl.key.password", "p");
        in.put("X-Request-Source", "vigil");
        in.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        assertThat(Secrets.maskValues(in)).containsExactly(
                Map.entry("Authorization", Secrets.MASK), Map.entry("X-Api-Key", Secrets.MASK),
                Map.entry("X-Auth-Token", Secrets.MASK), Map.entry("sasl.jaas.config", Secrets.MASK),
                Map.entry("ssl.key.password", Secrets.MASK), Map.entry("X-Request-Source", "vigil"),
                Map.entry("key.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
    }
}

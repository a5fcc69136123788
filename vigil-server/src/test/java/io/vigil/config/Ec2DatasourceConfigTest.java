package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.collect.datasource.DatasourceSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code collect.datasources[]} of type ec2: region, endpoint override, credentials as a pair, the secret never shown. */
class Ec2DatasourceConfigTest {

    @Test
    void anEc2DatasourceReadsItsSettingsAndHidesItsSecret() throws Exception {
        VigilConfig c = ConfigLoader.parse("""
                collect:
                  datasources:
                    - {name: aws, type: ec2, region: eu-west-1, endpoint: 'http://127.0.0.1:4566', accessKeyId: AKID,
                       secretAccessKey: s3cr3t, filters: {'tag:cluster': db}, cache: 5m, timeout: 10s}
                """, "test.yaml");
        DatasourceSpec d = c.collect().datasources().getFirst();
        assertThat(d.type()).isEqualTo(DatasourceSpec.Type.EC2);
        assertThat(d.cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.ec2().region()).isEqualTo("eu-west-1");
        assertThat(d.ec2().endpoint()).isEqualTo("http://127.0.0.1:4566");
        assertThat(d.ec2().filters()).containsEntry("tag:cluster", "db");
        assertThat(d.ec2().timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.ec2().toString()).doesNotContain("s3cr3t");
        assertThat(ConfigJson.toJson(c, false)).contains("\"secretAccessKey\" : \"******\"").doesNotContain("s3cr3t");
        assertThat(ConfigLoader.parse(ConfigJson.toJson(c, true), "json")).isEqualTo(c);
    }

    @Test
    void aConfigFileKeepsItsEc2Settings(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("vigil.yaml");
        java.nio.file.Files.writeString(file, "collect: {datasources: [{name: aws, type: ec2, region: eu-west-1}]}\n");
        assertThat(ConfigLoader.load(file).collect().datasources().getFirst().ec2().region()).isEqualTo("eu-west-1");
    }

    @Test
    void mistakesAreNamed() {
        assertThat(ConfigErrors.of("""
                collect:
                  datasources:
                    - {name: aws, type: ec2, accessKeyId: AKID, instances: [{id: i-1}]}
                    - {name: inv, instances: [{id: i-2}], region: eu-west-1}
                """)).containsExactly(
                "collect.datasources[0].region: required for type ec2: the AWS region, e.g. eu-west-1",
                "collect.datasources[0].secretAccessKey: accessKeyId and secretAccessKey go together (or give neither: the SDK's default credentials)",
                "collect.datasources[0].instances: type ec2 lists its instances from DescribeInstances: declare none",
                "collect.datasources[1].region: only for type ec2");
    }
}

package io.vigil.server.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.collect.datasource.Ec2StandIn;
import io.vigil.server.RunningServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil serve} with an ec2 datasource against a local stand-in of the EC2 query API: the instances' lifecycle
 * in the heartbeat, and clmgr's {@code return.cloud} filled from the datasource, without the credentials.
 */
class Ec2ClmgrServerTest {
    @TempDir
    Path dir;

    @Test
    void theClmgrDocumentCarriesTheProviderBlockOfEc2Instances() throws Exception {
        try (Ec2StandIn ec2 = new Ec2StandIn();
             RunningServer vigil = RunningServer.start(dir, """
                     collect:
                       changesInterval: 1s
                       allInterval: 2s
                       datasources:
                         - {name: aws, type: ec2, region: eu-west-1, endpoint: '%s', accessKeyId: AKIDEXAMPLE,
                            secretAccessKey: s3cr3t-key, cache: 1s}
                     """.formatted(ec2.url()))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> vigil.getJson("/api/v1/heartbeat?format=clmgr")
                    .path("return").path("cloud").size() == 4);
            var r = vigil.get("/api/v1/heartbeat?format=clmgr");
            assertThat(r.body()).doesNotContain("s3cr3t-key").doesNotContain("AKIDEXAMPLE");
            JsonNode doc = RunningServer.json(r.body());
            JsonNode cloud = doc.path("return").path("cloud").get(0).path("i-830dcde4");
            assertThat(cloud.path("driver").asText()).isEqualTo("ec2");
            assertThat(cloud.path("zone").asText()).isEqualTo("eu-west-1a");
            assertThat(cloud.path("instance_type").asText()).isEqualTo("t3.medium");
            assertThat(cloud.path("elastic_ip").asText()).isEqualTo("52.18.40.7");
            assertThat(cloud.path("master_status").asText()).isEqualTo("master");
            assertThat(doc.path("return").path("instances").toString())
                    .contains("\"i-3stopped\":{\"ip\":\"10.0.0.8\",\"state\":\"stopped\",\"code\":\"ER0006\"")
                    .doesNotContain("i-4terminated");
            assertThat(vigil.get("/api/v1/collect").body()).doesNotContain("s3cr3t-key");
        }
    }
}

package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.time.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ec2 datasource through the real AWS SDK against a local stand-in of the EC2 query API (a form-encoded POST
 * answered with DescribeInstancesResponse XML): lifecycle states, cloud details, paging, filters, the cache that saves
 * paid calls, and a failing API.
 */
class Ec2DatasourceTest {
    private Ec2StandIn api;
    private List<Map<String, String>> requests;

    @BeforeEach
    void startStandIn() throws Exception {
        api = new Ec2StandIn();
        requests = api.requests();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Ec2Settings settings() {
        return new Ec2Settings("eu-west-1", api.url(), "AKIDEXAMPLE", "s3cr3t-key",
                Map.of("tag:cluster", "db"), null, null, Duration.ofSeconds(10));
    }

    @Test
    void instancesCarryTheirLifecycleAndCloudDetailsOverEveryPage() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        List<Entity> entities = new Ec2Datasource("aws", settings(), clock).collect().toCompletableFuture().get(30, TimeUnit.SECONDS);

        assertThat(entities).extracting(Entity::name, Entity::state, Entity::code).containsExactly(
                org.assertj.core.groups.Tuple.tuple("i-830dcde4", "running", "000000"),
                org.assertj.core.groups.Tuple.tuple("i-1pending", "pending", "400001"),
                org.assertj.core.groups.Tuple.tuple("i-2stopping", "stopping", "400002"),
                org.assertj.core.groups.Tuple.tuple("i-3stopped", "stopped", "400003")); // i-4terminated: left out
        Entity db = entities.getFirst();
        assertThat(db.type()).isEqualTo(EntityType.INSTANCES);
        assertThat(db.ip()).isEqualTo("10.0.0.5");
        assertThat(db.group()).isEqualTo("db");
        assertThat(db.datasource()).isEqualTo("aws");
        assertThat(db.timeMillis()).isEqualTo(1_000_000);
        assertThat(db.cloud()).isEqualTo(new CloudInfo("ec2", "eu-west-1", "eu-west-1a", "t3.medium", "vpc-0a1b2c3d",
                "subnet-0a1b2c3d", List.of("sg-0db5e1f2", "sg-0ssh1234"), "ami-0c55b159cbfafe1f0", "52.18.40.7", "master"));
        assertThat(entities.get(1).cloud().elasticIp()).as("a public IP from Amazon's pool is no Elastic IP").isNull();
        assertThat(StatusCodes.clmgr(entities.get(3).code())).isEqualTo("ER0006");
        // the RPC form carries the cloud details and no credential
        assertThat(Entity.fromJson(db.toJson())).isEqualTo(db);
        assertThat(db.toJson().toString()).doesNotContain("s3cr3t-key").doesNotContain("AKIDEXAMPLE");

        assertThat(requests).hasSize(2); // two pages
        assertThat(requests.getFirst()).containsEntry("Action", "DescribeInstances")
                .containsEntry("Filter.1.Name", "tag:cluster").containsEntry("Filter.1.Value.1", "db");
        assertThat(requests.get(1)).containsEntry("NextToken", "page-2");
    }

    @Test
    void theCacheSavesPaidCallsUntilItsTtlEnds() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        DatasourceSpec spec = new DatasourceSpec("aws", DatasourceSpec.Type.EC2, null, null, null, List.of(), settings());
        Datasource d = Datasources.build(List.of(spec), null, clock).get("aws");
        assertThat(d).isInstanceOf(CachedDatasource.class); // ec2 is cached by default (60s)
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(requests).hasSize(2); // one call (two pages)
        clock.advance(Ec2Settings.DEFAULT_CACHE.plusSeconds(1));
        d.collect().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(requests).hasSize(4);
    }

    @Test
    void aFailingApiFailsTheCollectionSoNothingIsDeleted() {
        api.failWith.set(400);
        assertThatThrownBy(() -> new Ec2Datasource("aws", settings(), new ManualClock(0)).collect().toCompletableFuture()
                .get(30, TimeUnit.SECONDS)).hasMessageContaining("down");
    }

}

package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vigil.collect.Scripts;
import io.vigil.collect.rpc.CollectorService;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.rpc.RpcResult;
import io.vigil.time.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A discovery datasource runs a real script standing in for a cloud API ({@code openstack server list}); the cached
 * wrapper reuses its result for a TTL and keeps the ip to instance name mapping.
 */
class DiscoveryAndCacheTest {
    @TempDir
    Path dir;
    Vertx vertx;
    CheckRunner checks;
    Path answer, calls;
    String api;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        checks = new CheckRunner(vertx, Clock.systemUTC());
        answer = dir.resolve("answer.json");
        calls = dir.resolve("calls.log");
        // the "cloud API": prints answer.json, counts its calls, fails when answer.json is missing
        api = Scripts.write(dir, "cloud-api.sh", "echo call >> '" + calls + "'\ncat '" + answer + "' || exit 7\n");
        cloud("""
                {"instances":[{"id":"db-1","ip":"10.0.0.5","state":"ACTIVE"},{"id":"web-1","ip":"10.0.0.6"}],
                 "services":[{"name":"node10","ip":"10.0.0.5","mode":"mariadb","status":"master"},
                             {"name":"cache","ip":"10.0.0.9","state":"stopped","code":"500001"}]}""");
    }

    @AfterEach
    void tearDown() {
        checks.close();
        vertx.close();
    }

    private void cloud(String json) throws Exception {
        Files.writeString(answer, json);
    }

    private long apiCalls() throws Exception {
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    private DatasourceSpec spec(Duration cache) {
        return new DatasourceSpec("cloud", DatasourceSpec.Type.COMMAND, null, List.of(api), cache, List.of());
    }

    private static List<Entity> collect(Datasource d) throws Exception {
        return d.collect().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void discoveryCommandListsInstancesAndServicesWithDefaults() throws Exception {
        List<Entity> es = collect(new DiscoveryDatasource(spec(null), checks));
        assertThat(es).extracting(Entity::key).containsExactly("instances/db-1", "instances/web-1", "services/node10", "services/cache");
        Entity db1 = es.get(0);
        assertThat(db1.state()).isEqualTo("ACTIVE");
        assertThat(db1.code()).as("a state other than running without a code").isEqualTo("100003");
        assertThat(es.get(1).state()).isEqualTo("running");
        assertThat(es.get(1).code()).isEqualTo("000000");
        assertThat(es.get(2).status()).isEqualTo("master");
        assertThat(es.get(2).mode()).isEqualTo("mariadb");
        assertThat(es.get(3).code()).isEqualTo("500001");
        assertThat(es).allSatisfy(e -> assertThat(e.datasource()).isEqualTo("cloud"));
    }

    @Test
    void failedDiscoveryIsAnErrorOfItsDatasourceAndDeletesNothing() throws Exception {
        CollectorService collector = new CollectorService("c", Datasources.build(List.of(spec(null)), checks, Clock.systemUTC()),
                EventQueue.NONE, Clock.systemUTC());
        RpcResult first = collector.getChanges(List.of()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(first.entities()).hasSize(4);

        Files.delete(answer); // the API is down
        RpcResult down = collector.getChanges(List.of("cloud")).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(down.errors()).containsOnlyKeys("cloud");
        assertThat(down.errors().get("cloud")).contains("exit 7");
        assertThat(down.entities()).isEmpty();
        assertThat(down.datasources()).isEmpty();

        cloud("{\"instances\":[{\"id\":\"db-1\",\"ip\":\"10.0.0.5\",\"state\":\"ACTIVE\"}]}");
        RpcResult back = collector.getChanges(List.of("cloud")).toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(back.entities()).extracting(e -> e.name() + ":" + e.state())
                .containsExactlyInAnyOrder("web-1:deleted", "node10:deleted", "cache:deleted");
    }

    @Test
    void unreadableOutputFailsTheCollection() throws Exception {
        cloud("not json");
        assertThatThrownBy(() -> collect(new DiscoveryDatasource(spec(null), checks))).hasMessageContaining("malformed JSON");
        cloud("{\"instances\":[{\"ip\":\"10.0.0.5\"}]}");
        assertThatThrownBy(() -> collect(new DiscoveryDatasource(spec(null), checks))).hasMessageContaining("without id or name");
    }

    @Test
    void cachedResultIsReusedForItsTtlThenTheSourceIsCalledAgain() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        Datasource d = Datasources.build(List.of(spec(Duration.ofSeconds(30))), checks, clock).get("cloud");
        assertThat(d).isInstanceOf(CachedDatasource.class);
        CachedDatasource cached = (CachedDatasource) d;

        assertThat(collect(cached)).hasSize(4);
        clock.advance(Duration.ofSeconds(29));
        cloud("{\"instances\":[{\"id\":\"db-2\",\"ip\":\"10.0.0.7\"}]}");
        assertThat(collect(cached)).as("within the TTL: the cached answer").hasSize(4);
        assertThat(apiCalls()).isEqualTo(1);
        assertThat(cached.calls()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(collect(cached)).extracting(Entity::name).containsExactly("db-2");
        assertThat(apiCalls()).isEqualTo(2);
    }

    @Test
    void ipToInstanceNameMappingIsKeptThroughAFailedCallAndAFailureIsNotCached() throws Exception {
        ManualClock clock = new ManualClock(1_000_000);
        CachedDatasource cached = new CachedDatasource(new DiscoveryDatasource(spec(null), checks), Duration.ofSeconds(30), clock);
        collect(cached);
        assertThat(cached.nameOf("10.0.0.5")).as("an instance, not the service on the same ip").isEqualTo("db-1");
        assertThat(cached.nameOf("10.0.0.6")).isEqualTo("web-1");
        assertThat(cached.nameOf("10.0.0.9")).as("only services there").isNull();

        clock.advance(Duration.ofSeconds(31));
        Files.delete(answer);
        assertThatThrownBy(() -> collect(cached)).hasMessageContaining("exit 7");
        assertThat(cached.nameOf("10.0.0.5")).as("kept while the API fails").isEqualTo("db-1");

        cloud("{\"instances\":[{\"id\":\"db-1-new\",\"ip\":\"10.0.0.5\"}]}");
        assertThat(collect(cached)).as("the failure was not cached: called again at once").extracting(Entity::name).containsExactly("db-1-new");
        assertThat(cached.nameOf("10.0.0.5")).isEqualTo("db-1-new");
        assertThat(cached.nameOf("10.0.0.6")).as("gone from the last result").isNull();

        CollectorService collector = new CollectorService("c", Map.of("cloud", cached), EventQueue.NONE, clock);
        assertThat(collector.cachedInstanceName("10.0.0.5")).isEqualTo("db-1-new");
    }
}

package io.vigil.collect.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vigil.collect.CollectJson;
import io.vigil.collect.TcpService;
import io.vigil.collect.datasource.CheckRunner;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.DatasourceSpec;
import io.vigil.collect.datasource.Datasources;
import io.vigil.collect.datasource.EntitySpec;
import io.vigil.collect.datasource.EntityType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two collector services over HTTP, active-active; one is killed mid-run and comes back. */
class CollectorPoolTest {
    Vertx vertx;
    CheckRunner checks;
    TcpService service;
    DatasourceSpec ds;
    CollectorHttpServer a, b;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        checks = new CheckRunner(vertx, Clock.systemUTC());
        service = TcpService.start();
        ds = new DatasourceSpec("local", DatasourceSpec.Type.TCP, new CheckSpec.Tcp(service.port(), null), null, null,
                List.of(new EntitySpec(EntityType.SERVICES, "node10", "127.0.0.1", "mariadb", "master", null, null)));
        a = collector("a", 0);
        b = collector("b", 0);
    }

    private CollectorHttpServer collector(String id, int port) throws Exception {
        CollectorService s = new CollectorService(id, Datasources.build(List.of(ds), checks, Clock.systemUTC()), EventQueue.NONE, Clock.systemUTC());
        return CollectorHttpServer.start(vertx, "127.0.0.1", port, s);
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        service.close();
        checks.close();
        vertx.close();
    }

    private static RpcResult get(java.util.concurrent.CompletionStage<RpcResult> s) throws Exception {
        return s.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void getAllAndGetChangesOverHttpReportEntitiesAndOnlyWhatChanged() throws Exception {
        HttpCollector c = new HttpCollector(vertx, "http://127.0.0.1:" + a.port(), Duration.ofSeconds(5));
        RpcResult all = get(c.getAll(List.of("local")));
        assertThat(all.entities()).singleElement().satisfies(e -> {
            assertThat(e.state()).isEqualTo("running");
            assertThat(e.code()).isEqualTo("000000");
            assertThat(e.mode()).isEqualTo("mariadb");
        });
        assertThat(get(c.getChanges(List.of("local"))).entities()).isEmpty();
        service.stop();
        assertThat(get(c.getChanges(List.of())).entities()).singleElement()
                .satisfies(e -> assertThat(e.state()).isEqualTo("connection refused"));
        c.close();
    }

    @Test
    void unknownDatasourceIsA400NamingTheKnownOnesAndHealthzAnswers() throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/rpc/get_all"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"datasources\":[\"nope\"]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(CollectJson.read(r.body()).path("error").asText()).contains("unknown datasource \"nope\"").contains("local");
            HttpResponse<String> h = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(CollectJson.read(h.body()).path("status").asText()).isEqualTo("UP");
        }
    }

    private HttpResponse<String> post(String rpc, String body) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/rpc/" + rpc))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void datasourceNamesIsTheOriginalsParameterForBothCalls() throws Exception {
        for (String rpc : List.of("get_all", "get_changes")) {
            HttpResponse<String> r = post(rpc, "{\"datasource_names\":[\"local\"]}");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(CollectJson.read(r.body()).path("datasources").toString()).isEqualTo("[\"local\"]");
        }
        HttpResponse<String> unknown = post("get_changes", "{\"datasource_names\":[\"nope\"]}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(CollectJson.read(unknown.body()).path("error").asText()).contains("unknown datasource \"nope\"");
    }

    @Test
    void anUnknownParameterIsA400AndNeverMeansEveryDatasource() throws Exception {
        HttpResponse<String> r = post("get_all", "{\"datasource_name\":[\"local\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(CollectJson.read(r.body()).path("error").asText())
                .contains("unknown parameter \"datasource_name\"").contains("datasource_names");
        HttpResponse<String> both = post("get_all", "{\"datasources\":[\"local\"],\"datasource_names\":[]}");
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(CollectJson.read(both.body()).path("error").asText()).contains("disagree");
    }

    @Test
    void deadCollectorIsSkippedWhileTheOtherAnswersAndRetriedOnceItIsBack() throws Exception {
        // a dead collector refuses the connection at once; the timeout only bounds a slow answer, and on a loaded
        // 2-core machine b's first answer (cold code, its TCP check) took longer than 2 s once
        HttpCollector ca = new HttpCollector(vertx, "http://127.0.0.1:" + a.port(), Duration.ofSeconds(10));
        HttpCollector cb = new HttpCollector(vertx, "http://127.0.0.1:" + b.port(), Duration.ofSeconds(10));
        CollectorPool pool = new CollectorPool(List.of(ca, cb), Clock.systemUTC());
        int portA = a.port();
        a.close(); // killed mid-run
        for (int i = 0; i < 6; i++) assertThat(get(pool.getAll(List.of("local"))).collector()).isEqualTo("b");
        assertThat(pool.status()).filteredOn(s -> s.id().endsWith(":" + portA)).singleElement()
                .satisfies(s -> assertThat(s.up()).isFalse());
        a = collector("a", portA); // restarted without the engine restarting
        // generous: its retry backoff doubles with every failed probe, and the restarted server may take a moment
        await().atMost(Duration.ofSeconds(40)).until(() -> "a".equals(get(pool.getChanges(List.of("local"))).collector()));
        assertThat(pool.status()).allSatisfy(s -> assertThat(s.up()).isTrue());
        ca.close();
        cb.close();
    }
}

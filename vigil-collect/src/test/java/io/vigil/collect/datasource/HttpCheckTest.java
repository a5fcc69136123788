package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP checks against a real local HTTP server whose answer the test sets. */
class HttpCheckTest {
    Vertx vertx;
    CheckRunner checks;
    HttpServer server;
    volatile int status = 200;
    volatile String body = "";
    volatile String lastPath;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        checks = new CheckRunner(vertx, Clock.systemUTC());
        server = vertx.createHttpServer().requestHandler(req -> {
            lastPath = req.path();
            req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        checks.close();
        vertx.close();
    }

    private Entity check(CheckSpec.Http spec) throws Exception {
        EntitySpec s = new EntitySpec(EntityType.SERVICES, "api", "127.0.0.1", "haproxy", null, null, spec);
        return checks.check(s, spec, "web").await(10, TimeUnit.SECONDS);
    }

    private CheckSpec.Http status(Integer expect) {
        return new CheckSpec.Http(null, server.actualPort(), "/health", expect, null, null, null);
    }

    @Test
    void twoHundredIsRunningAndAnotherStatusIsReportedWithItsCode() throws Exception {
        Entity ok = check(status(null));
        assertThat(ok.state()).isEqualTo("running");
        assertThat(ok.code()).isEqualTo("000000");
        assertThat(lastPath).isEqualTo("/health");

        status = 503;
        Entity down = check(status(null));
        assertThat(down.state()).isEqualTo("http 503");
        assertThat(down.code()).isEqualTo("200503");
    }

    @Test
    void expectStatusIsMatchedExactly() throws Exception {
        status = 204;
        assertThat(check(status(204)).code()).isEqualTo("000000");
        status = 200;
        Entity other = check(status(204));
        assertThat(other.state()).isEqualTo("http 200");
        assertThat(other.code()).isEqualTo("200200");
    }

    @Test
    void jsonFieldMustEqualTheExpectedValue() throws Exception {
        CheckSpec.Http field = new CheckSpec.Http("http://127.0.0.1:" + server.actualPort() + "/status", null, null, null, "db.state", "up", null);
        body = "{\"db\":{\"state\":\"UP\"}}";
        assertThat(check(field).state()).as("case-insensitive").isEqualTo("running");
        assertThat(lastPath).isEqualTo("/status");

        body = "{\"db\":{\"state\":\"DOWN\"}}";
        Entity down = check(field);
        assertThat(down.state()).isEqualTo("db.state=DOWN");
        assertThat(down.code()).isEqualTo("201000");

        body = "{\"other\":1}";
        assertThat(check(field).state()).isEqualTo("db.state=null");

        body = "<html>maintenance</html>";
        Entity notJson = check(field);
        assertThat(notJson.state()).isEqualTo("body is not JSON");
        assertThat(notJson.code()).isEqualTo("201000");

        status = 500;
        body = "{\"db\":{\"state\":\"UP\"}}";
        assertThat(check(field).code()).as("the status is checked before the field").isEqualTo("200500");
    }

    @Test
    void stoppedServerIsConnectionRefused() throws Exception {
        CheckSpec.Http spec = status(null);
        server.close().await(10, TimeUnit.SECONDS);
        Entity e = check(spec);
        assertThat(e.state()).isEqualTo("connection refused");
        assertThat(e.code()).isEqualTo("100001");
    }
}

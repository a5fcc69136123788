package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.store.testing.TestDatabases.FreshPostgres;
import io.vigil.store.testing.TestDatabases;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The built-in database check against a real PostgreSQL, and clmgr's ER0003 when the database does not answer. */
class DatabaseCheckTest {
    Vertx vertx;
    CheckRunner checks;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        checks = new CheckRunner(vertx, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        checks.close();
        vertx.close();
    }

    private Entity check(CheckSpec.Database spec) throws Exception {
        EntitySpec s = new EntitySpec(EntityType.SERVICES, "db1", "127.0.0.1", "postgresql", "master", null, spec);
        return checks.check(s, spec, "local").await(30, TimeUnit.SECONDS);
    }

    @Test
    void aDatabaseThatAnswersIsRunning() throws Exception {
        try (FreshPostgres pg = TestDatabases.freshPostgres()) {
            String url = pg.url().replace("127.0.0.1", "{ip}");
            Entity e = check(new CheckSpec.Database(url, TestDatabases.postgresUser(), TestDatabases.postgresPassword(), null));
            assertThat(e.state()).isEqualTo("running");
            assertThat(e.code()).isEqualTo("000000");
        }
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsClmgrsEr0003() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Entity e = check(new CheckSpec.Database("jdbc:postgresql://{ip}:" + closed + "/postgres", "postgres", "s3cret",
                Duration.ofSeconds(2)));
        assertThat(e.code()).isEqualTo("ER0003");
        assertThat(e.state()).isEqualTo("database communication failure");
        assertThat(StatusCodes.CLMGR.get(e.code())).isEqualTo("Database communication failure");
    }

    @Test
    void theDatabaseCheckNeverShowsItsPassword() {
        assertThat(new CheckSpec.Database("jdbc:postgresql://h/db", "u", "s3cret", null).toString()).doesNotContain("s3cret");
    }

    @Test
    void everyCodeHasAClmgrCode() {
        assertThat(StatusCodes.clmgr("000000")).isEqualTo("000000");
        assertThat(StatusCodes.clmgr(StatusCodes.CONNECTION_REFUSED)).isEqualTo("ER0001");
        assertThat(StatusCodes.clmgr(StatusCodes.CONNECTION_TIMED_OUT)).isEqualTo("ER0002");
        assertThat(StatusCodes.clmgr(StatusCodes.http(503))).isEqualTo("ER0004");
        assertThat(StatusCodes.clmgr(StatusCodes.exit(3))).isEqualTo("ER0005");
        assertThat(StatusCodes.clmgr("ER0003")).isEqualTo("ER0003");
    }
}

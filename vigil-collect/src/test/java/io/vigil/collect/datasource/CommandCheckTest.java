package io.vigil.collect.datasource;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.collect.Scripts;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Command checks run real scripts: exit codes, JSON on stdout, timeouts, missing programs. */
class CommandCheckTest {
    @TempDir
    Path dir;
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

    private Entity run(String scriptBody, Duration timeout) throws Exception {
        String script = Scripts.write(dir, "check-" + System.nanoTime() + ".sh", scriptBody);
        return run(List.of(script), timeout);
    }

    private Entity run(List<String> command, Duration timeout) throws Exception {
        CheckSpec.Command c = new CheckSpec.Command(command, timeout);
        EntitySpec s = new EntitySpec(EntityType.SERVICES, "node10", "10.0.0.5", "mariadb", "master", null, c);
        return checks.check(s, c, "local").await(20, TimeUnit.SECONDS);
    }

    @Test
    void jsonOnStdoutGivesStateStatusAndCode() throws Exception {
        Entity e = run("echo '{\"state\":\"replication lagging\",\"status\":\"slave\",\"code\":\"400007\"}'\n", null);
        assertThat(e.state()).isEqualTo("replication lagging");
        assertThat(e.status()).isEqualTo("slave");
        assertThat(e.code()).isEqualTo("400007");
        assertThat(e.mode()).isEqualTo("mariadb");
    }

    @Test
    void jsonWithOnlyAStatusKeepsTheExitCodeOutcome() throws Exception {
        Entity ok = run("echo '{\"status\":\"slave\"}'\n", null);
        assertThat(ok.state()).isEqualTo("running");
        assertThat(ok.code()).isEqualTo("000000");
        assertThat(ok.status()).isEqualTo("slave");

        Entity failed = run("echo '{\"status\":\"na\"}'\nexit 4\n", null);
        assertThat(failed.state()).isEqualTo("exit 4");
        assertThat(failed.code()).isEqualTo("300004");
        assertThat(failed.status()).isEqualTo("na");
    }

    @Test
    void exitCodeDecidesWhenStdoutIsNotJson() throws Exception {
        assertThat(run("echo all good\n", null).code()).isEqualTo("000000");
        Entity e = run("echo '{broken'\nexit 3\n", null);
        assertThat(e.state()).isEqualTo("exit 3");
        assertThat(e.code()).isEqualTo("300003");
    }

    @Test
    void theEntityIsInTheEnvironment() throws Exception {
        Entity e = run("[ \"$VIGIL_ENTITY_NAME/$VIGIL_ENTITY_TYPE/$VIGIL_ENTITY_IP\" = node10/services/10.0.0.5 ] || exit 9\n", null);
        assertThat(e.code()).isEqualTo("000000");
    }

    @Test
    void commandOutlivingItsTimeoutIsKilledAndReported() throws Exception {
        Entity e = run("exec sleep 30\n", Duration.ofMillis(300));
        assertThat(e.state()).startsWith("timed out after 300ms");
        assertThat(e.code()).isEqualTo("309999");
    }

    @Test
    void missingProgramIsReportedAsNotRun() throws Exception {
        Entity e = run(List.of(dir.resolve("no-such-check.sh").toString()), null);
        assertThat(e.state()).startsWith("cannot run");
        assertThat(e.code()).isEqualTo("309998");
    }
}

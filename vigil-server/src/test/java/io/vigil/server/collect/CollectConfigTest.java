package io.vigil.server.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vigil.collect.CollectSettings;
import io.vigil.collect.datasource.CheckSpec;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.worker.WorkerSpec;
import io.vigil.config.ConfigError;
import io.vigil.config.ConfigException;
import io.vigil.config.ConfigJson;
import io.vigil.config.ConfigLoader;
import io.vigil.config.VigilConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pull side's YAML keys: the issue's contract, normalized round trip, errors with paths, docs rows. */
class CollectConfigTest {
    static final String CONTRACT = """
            collect:
              changesInterval: 2s          # get_changes timer
              allInterval: 30s             # get_all timer
              collectors: []               # URLs of `vigil collector` processes; empty = in-process
              datasources:
                - name: local
                  type: inventory
                  instances:
                    - {id: i-1, ip: 127.0.0.1, check: {type: tcp, port: 2201}}
                  services:
                    - {name: node10, ip: 127.0.0.1, mode: mariadb, status: master, check: {type: tcp, port: 3306}}
            workers:
              - {type: script, command: [./doctor.sh]}
              - {type: webhook, url: http://127.0.0.1:9000/events}
            actions:
              start: {command: [./start-service.sh]}
            """;

    @Test
    void theIssuesConfigContractLoads() throws Exception {
        CollectSettings c = ConfigLoader.parse(CONTRACT, "contract").collect();
        assertThat(c.changesInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.allInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.collectors()).isEmpty();
        assertThat(c.datasources()).singleElement().satisfies(d -> {
            assertThat(d.name()).isEqualTo("local");
            assertThat(d.entities()).hasSize(2);
            assertThat(d.entities().get(0).type()).isEqualTo(EntityType.INSTANCES);
            assertThat(d.entities().get(0).check()).isEqualTo(new CheckSpec.Tcp(2201, null));
            assertThat(d.entities().get(1).mode()).isEqualTo("mariadb");
            assertThat(d.entities().get(1).status()).isEqualTo("master");
        });
        assertThat(c.workers()).containsExactly(new WorkerSpec.Script(java.util.List.of("./doctor.sh"), null),
                new WorkerSpec.Webhook("http://127.0.0.1:9000/events", null));
        assertThat(c.actions().get("start").command()).containsExactly("./start-service.sh");
    }

    @Test
    void normalizedFormLoadsBackToTheSameConfiguration() throws Exception {
        VigilConfig c = ConfigLoader.parse(CONTRACT + """
                  notify: {webhook: 'http://127.0.0.1:9/a', timeout: 5s}
                """, "contract");
        VigilConfig again = ConfigLoader.parse(ConfigJson.toJson(c, true), "normalized");
        assertThat(again.collect()).isEqualTo(c.collect());
    }

    @Test
    void mistakesAreReportedWithTheirPaths() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                collect:
                  changesInterval: soon
                  collectors: [ftp://x]
                  datasources:
                    - {name: a, type: ldap, instances: [{id: i, check: {type: tcp, prot: 22}}]}
                    - {name: a, instances: [{ip: 1.2.3.4}]}
                workers: [{type: script}]
                actions: {x: {}}
                """, "bad"));
        assertThat(e.errors()).extracting(ConfigError::path).contains("collect.changesInterval", "collect.collectors[0]",
                "collect.datasources[0].type", "collect.datasources[0].instances[0].check.prot", "collect.datasources",
                "collect.datasources[1].instances[0].id", "workers[0].command", "actions.x");
    }

    @Test
    void everyPullSideKeyHasARowInTheConfigurationDocs() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("mvnw"))) root = root.getParent();
        String docs = Files.readString(root.resolve("docs/configuration.md"));
        for (String key : java.util.List.of("collect.changesInterval", "collect.allInterval", "collect.callTimeout", "collect.collectors",
                "collect.eventQueue", "collect.datasources[].name", "collect.datasources[].type", "collect.datasources[].cache",
                "collect.datasources[].command", "collect.datasources[].instances[].id", "collect.datasources[].services[].mode",
                "….check.type", "workers[].type", "workers[].command", "workers[].url", "actions.<name>.command", "actions.<name>.webhook"))
            assertThat(docs).as("row for " + key).contains("| `" + key + "` |");
    }

    @Test
    void relativeCommandPathsResolveAgainstTheConfigFilesDirectoryAndBareNamesStayOnThePath() throws Exception {
        Path dir = Files.createTempDirectory("vigil-paths");
        Path file = dir.resolve("sub").resolve("vigil.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, CONTRACT.replace("check: {type: tcp, port: 2201}", "check: {type: command, command: [test, -f, ./x]}")
                .replace("- {type: webhook, url: http://127.0.0.1:9000/events}", "- {type: script, command: [../bin/notify.sh, ./arg]}")
                .replace("start: {command: [./start-service.sh]}", "start: {command: [./start-service.sh]}\n  abs: {command: [/usr/bin/true]}"));
        Path sub = file.getParent().toAbsolutePath();
        CollectSettings c = ConfigLoader.load(file).collect();
        assertThat(c.workers()).extracting(w -> ((WorkerSpec.Script) w).command()).containsExactly(
                java.util.List.of(sub.resolve("doctor.sh").toString()),
                java.util.List.of(dir.toAbsolutePath().resolve("bin/notify.sh").toString(), "./arg"));
        assertThat(c.actions().get("start").command()).containsExactly(sub.resolve("start-service.sh").toString());
        assertThat(c.actions().get("abs").command()).containsExactly("/usr/bin/true");
        CheckSpec check = c.datasources().getFirst().entities().getFirst().check();
        assertThat(((CheckSpec.Command) check).command()).as("a bare program name is looked up on the PATH").containsExactly("test", "-f", "./x");
        assertThat(ConfigLoader.parse(CONTRACT, "no file").collect().actions().get("start").command())
                .as("a config without a file (remote) keeps the path as written").containsExactly("./start-service.sh");
    }

    @Test
    void databaseChecksAndAKafkaEventQueueLoadRoundTripAndHideThePassword() throws Exception {
        String yaml = """
                collect:
                  eventQueue: {type: kafka, bootstrapServers: 'k:9092', topic: collected}
                  datasources:
                    - name: local
                      services:
                        - {name: db1, ip: 10.0.0.5, mode: postgresql, check: {type: database, url: 'jdbc:postgresql://{ip}:5432/postgres', user: hb, password: s3cret}}
                """;
        VigilConfig c = ConfigLoader.parse(yaml, "db");
        assertThat(c.collect().eventQueue()).isEqualTo(new io.vigil.collect.EventQueueSpec.Kafka("k:9092", "collected", null));
        assertThat(c.collect().datasources().getFirst().entities().getFirst().check())
                .isEqualTo(new CheckSpec.Database("jdbc:postgresql://{ip}:5432/postgres", "hb", "s3cret", null));
        assertThat(ConfigJson.toJson(c, false)).doesNotContain("s3cret");
        VigilConfig back = ConfigLoader.parse(ConfigJson.toJson(c, true), "back");
        assertThat(back.collect()).isEqualTo(c.collect());

        ConfigException bad = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                collect:
                  eventQueue: {type: kafka, topic: t}
                  datasources:
                    - name: local
                      services:
                        - {name: db1, ip: 10.0.0.5, check: {type: database, url: 'postgres://x'}}
                """, "bad"));
        assertThat(bad.errors()).extracting(ConfigError::toString).anySatisfy(e -> assertThat(e).contains("eventQueue.bootstrapServers"))
                .anySatisfy(e -> assertThat(e).contains("check.url").contains("JDBC"));
    }
}

package io.vigil.server.collect;

import io.vigil.collect.TcpService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.cli.VigilCli;
import io.vigil.server.RunningServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull side inside a real {@code vigil serve}: real TCP services, real worker and action scripts, the HTTP API, the
 * JSON command form and the CLI, and restarts of the server on the same store.
 */
class CollectServerTest {
    @TempDir
    Path dir;
    TcpService ssh, mariadb;
    RunningServer server;

    @BeforeAll
    static void pollOften() {
        // the waits below end within a few changesIntervals (100 ms): poll at 25 ms, not Awaitility's 100 ms
        Awaitility.setDefaultPollInterval(Duration.ofMillis(25));
        Awaitility.setDefaultPollDelay(Duration.ZERO);
    }

    @AfterAll
    static void defaultPolling() {
        Awaitility.reset();
    }

    @BeforeEach
    void setUp() throws Exception {
        ssh = TcpService.start();
        mariadb = TcpService.start();
        script("doctor.sh", "cat >> '" + dir.resolve("events.jsonl") + "'\necho >> '" + dir.resolve("events.jsonl") + "'\n");
        script("start-service.sh", "{ echo \"action=$VIGIL_ACTION group=$VIGIL_GROUP level=$VIGIL_LEVEL\"; cat; echo; } >> '"
                + dir.resolve("actions.log") + "'\n");
        script("launch.sh", "echo \"$VIGIL_GROUP\" >> '" + dir.resolve("launches.log") + "'\ntouch '" + dir + "'/\"$VIGIL_GROUP\".up\n");
        script("noop.sh", "exit 0\n");
        script("fail.sh", "echo 'disk full' >&2\nexit 3\n");
    }

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        ssh.close();
        mariadb.close();
    }

    private void script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String config() {
        return """
                publish: []
                collect:
                  changesInterval: 100ms
                  allInterval: 1s
                  datasources:
                    - name: local
                      type: inventory
                      instances:
                        - {id: i-1, ip: 127.0.0.1, check: {type: tcp, port: %d}}
                        - {id: proxy, ip: 127.0.0.2, check: {type: command, command: [test, -f, '%s/proxy.up']}}
                      services:
                        - {name: node10, ip: 127.0.0.1, mode: mariadb, status: master, check: {type: tcp, port: %d}}
                        - {name: node11, ip: 127.0.0.3, mode: mariadb, status: slave, check: {type: command, command: [test, -f, '%s/node11.up']}}
                        - {name: web, ip: 127.0.0.2, mode: haproxy, status: na}
                workers:
                  - {type: script, command: ['%s/doctor.sh']}
                actions:
                  start: {command: ['%s/start-service.sh']}
                  launch: {command: ['%s/launch.sh']}
                  noop: {command: ['%s/noop.sh']}
                  fail: {command: ['%s/fail.sh']}
                """.formatted(ssh.port(), dir, mariadb.port(), dir, dir, dir, dir, dir, dir);
    }

    private RunningServer startServer() throws Exception {
        server = RunningServer.start(dir, config());
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson("/api/v1/heartbeat").path("round").asLong() > 0);
        return server;
    }

    private void restartServer() throws Exception {
        server.close();
        server = null;
        startServer();
    }

    private List<JsonNode> workerEvents() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        Path f = dir.resolve("events.jsonl");
        if (!Files.exists(f)) return out;
        for (String line : Files.readAllLines(f)) if (!line.isBlank()) RunningServer.json(line).path("events").forEach(out::add);
        return out;
    }

    private static JsonNode service(JsonNode heartbeat, String name) {
        for (JsonNode s : heartbeat.path("services_status").path("services")) if (s.path("name").asText().equals(name)) return s;
        return null;
    }

    private String cli(String... args) {
        PrintStream before = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int code = VigilCli.commandLine().execute(args);
            assertThat(code).as("exit code of vigil " + String.join(" ", args)).isZero();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statusChangesReachTheWorkerScriptAndTheHeartbeatIsServedByApiCommandFormAndCli() throws Exception {
        startServer();
        JsonNode hb = server.getJson("/api/v1/heartbeat");
        assertThat(service(hb, "node10").path("state").asText()).isEqualTo("running");
        assertThat(service(hb, "node10").path("code").asText()).isEqualTo("000000");
        assertThat(service(hb, "node10").path("status").asText()).isEqualTo("master");
        assertThat(hb.path("interfaces").isArray()).isTrue();
        assertThat(hb.has("time")).isTrue();

        mariadb.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream().anyMatch(e -> e.path("name").asText().equals("node10")));
        JsonNode ev = workerEvents().stream().filter(e -> e.path("name").asText().equals("node10")).findFirst().orElseThrow();
        assertThat(ev.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(ev.path("type").asText()).isEqualTo("services");
        assertThat(ev.path("previous_state").asText()).isEqualTo("running");
        assertThat(ev.path("state").asText()).isEqualTo("connection refused");
        assertThat(ev.path("previous_code").asText()).isEqualTo("000000");
        assertThat(ev.path("code").asText()).isNotEqualTo("000000");

        var r = server.post("/api/v1/command", "{\"level\":\"instances\",\"command\":{\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"db\"}}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode db = RunningServer.json(r.body());
        assertThat(db.path("instances_status").path("instances")).isEmpty();
        assertThat(db.path("services_status").path("services")).extracting(s -> s.path("name").asText()).containsExactlyInAnyOrder("node10", "node11");
        assertThat(server.post("/api/v1/command", "{\"level\":\"nope\"}").statusCode()).isEqualTo(400);

        JsonNode fromCli = RunningServer.json(cli("instances", "heartbeat", "--server", server.url("")));
        assertThat(service(fromCli, "node10").path("state").asText()).isEqualTo("connection refused");
        JsonNode fromCommand = RunningServer.json(cli("command", "--server", server.url(""),
                "{\"level\":\"instances\",\"command\":{\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"instances\"}}"));
        assertThat(fromCommand.path("instances_status").path("instances")).extracting(i -> i.path("id").asText()).contains("i-1", "proxy");
        assertThat(fromCommand.path("services_status").path("services")).isEmpty();

        mariadb.restart();
        JsonNode refreshed = server.getJson("/api/v1/heartbeat?refresh=true");
        assertThat(service(refreshed, "node10").path("state").asText()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream().filter(e -> e.path("name").asText().equals("node10")).count() == 2);
    }

    @Test
    void pingStatusAndTheClmgrShapeThroughTheApiAndTheCli() throws Exception {
        startServer();
        mariadb.stop(); // nothing has collected it since: only a ping sees it at once
        var ping = server.post("/api/v1/command", "{\"level\":\"services\",\"command\":{\"action\":\"ping\",\"group\":\"all\",\"type\":\"db\"}}");
        assertThat(ping.statusCode()).as(ping.body()).isEqualTo(200);
        JsonNode pinged = RunningServer.json(ping.body());
        assertThat(pinged.path("action").asText()).isEqualTo("ping");
        assertThat(pinged.path("services")).filteredOn(s -> s.path("name").asText().equals("node10")).singleElement()
                .satisfies(s -> assertThat(s.path("state").asText()).isEqualTo("connection refused"));

        JsonNode status = RunningServer.json(server.post("/api/v1/command",
                "{\"level\":\"instances\",\"command\":{\"action\":\"status\",\"group\":\"all\",\"type\":\"all\"}}").body());
        assertThat(status.path("instances").findValuesAsText("id")).contains("i-1", "proxy");
        assertThat(status.has("services")).isFalse();

        var unknown = server.post("/api/v1/command", "{\"level\":\"instances\",\"command\":{\"action\":\"reboot\"}}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(RunningServer.json(unknown.body()).path("error").asText()).contains("heartbeat, ping, status");

        JsonNode clmgr = RunningServer.json(cli("command", "--server", server.url(""),
                "{\"level\":\"services\",\"command\":{\"action\":\"status\",\"group\":\"all\",\"type\":\"db\"},\"format\":\"clmgr\"}"));
        assertThat(clmgr.path("command").asText()).isEqualTo("status");
        assertThat(clmgr.path("level").asText()).isEqualTo("services");
        assertThat(clmgr.path("time").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        assertThat(clmgr.path("return").path("services").get(0).has("node10")).isTrue();
        assertThat(clmgr.path("return").path("services").get(0).path("node10").path("code").asText()).isEqualTo("ER0001");

        JsonNode hb = RunningServer.json(cli("instances", "heartbeat", "--format", "clmgr", "--server", server.url("")));
        assertThat(hb.path("command").asText()).isEqualTo("heartbeat");
        assertThat(hb.path("host").path("interfaces").toString()).contains("\"STATE\"");
        assertThat(hb.path("return").path("instances").toString()).contains("\"i-1\"");
    }

    @Test
    void actionsRunNowOnARunningInstanceOrWaitForItsInstanceToRun() throws Exception {
        startServer();
        Path log = dir.resolve("actions.log");
        var now = server.post("/api/v1/actions/run", "{\"action\":\"start\",\"service\":\"node10\"}");
        assertThat(now.statusCode()).as(now.body()).isEqualTo(200);
        assertThat(RunningServer.json(now.body()).path("succeeded").asBoolean()).isTrue();
        assertThat(Files.readString(log)).contains("action=start group=node10 level=services");

        // web's instance (proxy, 127.0.0.2) is not running: the action waits for it
        JsonNode waiting = RunningServer.json(cli("actions", "run", "start", "web", "--server", server.url("")));
        assertThat(waiting.path("ran").asBoolean()).isFalse();
        String id = waiting.path("delayed").asText();
        assertThat(server.getJson("/api/v1/actions/delayed").path("actions").findValuesAsText("id")).contains(id);
        assertThat(Files.readString(log)).doesNotContain("group=web");
        Files.writeString(dir.resolve("proxy.up"), "");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("action=start group=web"));
        assertThat(server.getJson("/api/v1/actions/delayed").path("actions").findValuesAsText("id")).doesNotContain(id);

        assertThat(server.post("/api/v1/actions/run", "{\"action\":\"nope\",\"service\":\"web\"}").statusCode()).isEqualTo(400);
        assertThat(server.post("/api/v1/actions/run", "{\"action\":\"start\",\"service\":\"ghost\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void aDelayedActionWhoseConditionAlreadyHoldsFiresAtOnce() throws Exception {
        startServer();
        var r = server.post("/api/v1/actions/delayed", """
                {"event_ip":"127.0.0.1","event_type":"instances","event_state":"running","do_action":"noop","do_group":"i-1"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode added = RunningServer.json(r.body());
        assertThat(added.path("fired").toString()).isEqualTo(added.path("ids").toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> server.getJson("/api/v1/actions/history").path("fired").size() == 1);
        assertThat(server.getJson("/api/v1/actions/delayed").path("actions")).isEmpty();
    }

    @Test
    void delayedActionIsKeptAcrossARestartAndFiresOnceWhenItsStatusEventShowsUp() throws Exception {
        startServer();
        var r = server.post("/api/v1/actions/delayed", """
                {"actions":[{"event_ip":"127.0.0.1","event_type":"services","event_state":"connection refused",
                             "do_action":"start","do_group":"node10","do_level":"services"}]}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(server.post("/api/v1/actions/delayed", "{\"actions\":[{\"event_state\":\"x\",\"do_action\":\"nope\"}]}").statusCode())
                .isEqualTo(400);

        restartServer();
        assertThat(server.getJson("/api/v1/actions/delayed").path("actions")).hasSize(1);

        mariadb.stop();
        Path log = dir.resolve("actions.log");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log) && Files.readString(log).contains("connection refused"));
        String ran = Files.readString(log);
        assertThat(ran).contains("action=start group=node10 level=services").contains("\"action\":{\"name\":\"start\"");
        await().atMost(Duration.ofSeconds(15)).until(() -> server.getJson("/api/v1/actions/delayed").path("actions").isEmpty());
        await().atMost(Duration.ofSeconds(15)).until(() -> server.getJson("/api/v1/actions/history").path("fired").size() == 1);

        mariadb.restart();
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream().filter(e -> e.path("name").asText().equals("node10")).count() == 2);
        mariadb.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream().filter(e -> e.path("name").asText().equals("node10")).count() == 3);
        assertThat(Files.readString(log).split("action=start", -1)).as("fired once").hasSize(2);
    }

    @Test
    void planInterruptedByARestartResumesAtItsStep() throws Exception {
        startServer();
        String plan = """
                {"name":"db-node","steps":[
                  {"name":"instance started","action":"launch","group":"proxy","level":"instances",
                   "expect":{"type":"instances","name":"proxy","state":"running"},"timeout":"10s"},
                  {"name":"ssh answering","expect":{"type":"instances","name":"i-1","state":"running"},"timeout":"10s"},
                  {"name":"database running","action":"noop","expect":{"type":"services","name":"node11","state":"running"},"timeout":"60s"},
                  {"name":"replication running","action":"launch","group":"node11","level":"services",
                   "expect":{"type":"services","name":"node11","state":"running"}}]}""";
        var r = server.post("/api/v1/actions/plans", plan);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String id = RunningServer.json(r.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode p = server.getJson("/api/v1/actions/plans/" + id);
            return p.path("current_step").asInt() == 2 && p.path("step_state").asText().equals("waiting");
        });

        restartServer();
        JsonNode resumed = server.getJson("/api/v1/actions/plans/" + id);
        assertThat(resumed.path("status").asText()).isEqualTo("running");
        assertThat(resumed.path("current_step").asInt()).isEqualTo(2);

        Files.writeString(dir.resolve("node11.up"), ""); // the database comes up
        await().atMost(Duration.ofSeconds(15)).until(() -> server.getJson("/api/v1/actions/plans/" + id).path("status").asText().equals("done"));
        assertThat(Files.readAllLines(dir.resolve("launches.log"))).as("step 0 not run again; step 3 skipped, its outcome held")
                .containsExactly("proxy");
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream()
                .anyMatch(e -> e.path("type").asText().equals("plan") && e.path("state").asText().equals("done")));
    }

    @Test
    void failingStepIsRetriedThenThePlanStopsWithAnEventSayingWhereAndWhy() throws Exception {
        startServer();
        var r = server.post("/api/v1/actions/plans", """
                {"name":"broken","steps":[{"name":"binaries bootstrapped","action":"fail","retries":1,"backoff":"100ms"}]}""");
        String id = RunningServer.json(r.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> server.getJson("/api/v1/actions/plans/" + id).path("status").asText().equals("failed"));
        JsonNode p = server.getJson("/api/v1/actions/plans/" + id);
        assertThat(p.path("attempts").asInt()).isEqualTo(2);
        assertThat(p.path("message").asText()).contains("binaries bootstrapped").contains("disk full");
        await().atMost(Duration.ofSeconds(10)).until(() -> workerEvents().stream()
                .anyMatch(e -> e.path("type").asText().equals("plan") && e.path("state").asText().equals("failed")
                        && e.path("step_name").asText().equals("binaries bootstrapped") && e.path("reason").asText().contains("exit 3")));
    }
}

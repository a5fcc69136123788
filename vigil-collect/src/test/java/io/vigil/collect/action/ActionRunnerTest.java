package io.vigil.collect.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.Vertx;
import io.vigil.collect.CollectJson;
import io.vigil.collect.Scripts;
import io.vigil.delivery.OutboxRecord;
import io.vigil.store.Database;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named actions over a real local webhook receiver and real scripts; delayed actions fired from outbox records. */
class ActionRunnerTest {
    @TempDir
    Path dir;
    Vertx vertx;
    HttpServer receiver;
    final List<String> received = new CopyOnWriteArrayList<>();
    volatile int answer = 200;

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks/start", ex -> {
            received.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(answer, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
        vertx.close();
    }

    private String hook() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks/start";
    }

    private static final JsonNode EVENT = CollectJson.read(
            "{\"ip\":\"10.0.0.5\",\"name\":\"node10\",\"type\":\"services\",\"state\":\"connection refused\",\"code\":\"100001\"}");

    @Test
    void aFullActionQueueFailsTheNextActionAtOnceInsteadOfForkingOrGrowing() throws Exception {
        Path marker = dir.resolve("runs");
        // each run appends a line, then waits until the test lets it go (the file "go" exists)
        List<String> cmd = List.of("sh", "-c", "echo x >> '" + marker + "'; while [ ! -f '" + dir.resolve("go") + "' ]; do sleep 0.05; done");
        try (ActionRunner runner = new ActionRunner(vertx, Map.of("slow", new ActionSpec("slow", cmd, null, Duration.ofSeconds(60))))) {
            List<java.util.concurrent.CompletableFuture<ActionRunner.Outcome>> taken = new java.util.ArrayList<>();
            for (int i = 0; i < ActionRunner.MAX_RUNNING + ActionRunner.MAX_WAITING; i++) {
                taken.add(runner.run("slow", "g", "services", EVENT));
            }
            ActionRunner.Outcome refused = runner.run("slow", "g", "services", EVENT).get(5, TimeUnit.SECONDS);
            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.detail()).contains("action queue full");
            // only MAX_RUNNING processes were started
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker)
                    && Files.readAllLines(marker).size() == ActionRunner.MAX_RUNNING);
            Thread.sleep(300);
            assertThat(Files.readAllLines(marker)).hasSize(ActionRunner.MAX_RUNNING);
            Files.writeString(dir.resolve("go"), "");
            // the waiting ones run in turn; the first few finish
            assertThat(taken.getFirst().get(30, TimeUnit.SECONDS).succeeded()).isTrue();
            assertThat(taken.get(ActionRunner.MAX_RUNNING).get(30, TimeUnit.SECONDS).succeeded()).isTrue();
        }
    }

    @Test
    void webhookActionPostsTheEventAndTheActionAndSucceedsOn2xxOnly() throws Exception {
        try (ActionRunner runner = new ActionRunner(vertx, Map.of("start", new ActionSpec("start", null, hook(), Duration.ofSeconds(5))))) {
            ActionRunner.Outcome ok = runner.run("start", "node10", "services", EVENT).get(10, TimeUnit.SECONDS);
            assertThat(ok.succeeded()).isTrue();
            assertThat(ok.detail()).isEqualTo("http 200");
            assertThat(received).singleElement().asString().startsWith("POST application/json ");
            JsonNode body = CollectJson.read(received.getFirst().substring(received.getFirst().indexOf('{')));
            assertThat(body.path("event").path("name").asText()).isEqualTo("node10");
            assertThat(body.path("action").path("name").asText()).isEqualTo("start");
            assertThat(body.path("action").path("group").asText()).isEqualTo("node10");
            assertThat(body.path("action").path("level").asText()).isEqualTo("services");

            answer = 503;
            ActionRunner.Outcome refused = runner.run("start", "node10", "services", EVENT).get(10, TimeUnit.SECONDS);
            assertThat(refused.succeeded()).isFalse();
            assertThat(refused.detail()).isEqualTo("http 503");
        }
        receiver.stop(0);
        try (ActionRunner runner = new ActionRunner(vertx, Map.of("start", new ActionSpec("start", null, hook(), Duration.ofSeconds(5))))) {
            ActionRunner.Outcome down = runner.run("start", "g", "l", EVENT).get(10, TimeUnit.SECONDS);
            assertThat(down.succeeded()).isFalse();
            assertThat(down.detail()).startsWith("webhook failed");
        }
    }

    @Test
    void commandActionGetsTheJsonOnStdinAndTheEnvironment() throws Exception {
        Path out = dir.resolve("ran.txt");
        String script = Scripts.write(dir, "act.sh", "echo \"$VIGIL_ACTION|$VIGIL_GROUP|$VIGIL_LEVEL\" > '" + out + "'\ncat >> '" + out + "'\n");
        try (ActionRunner runner = new ActionRunner(vertx, Map.of("restart", new ActionSpec("restart", List.of(script), null, null)))) {
            assertThat(runner.run("restart", "db-1", "instances", EVENT).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
            List<String> lines = Files.readAllLines(out);
            assertThat(lines.getFirst()).isEqualTo("restart|db-1|instances");
            assertThat(CollectJson.read(lines.get(1)).path("event").path("ip").asText()).isEqualTo("10.0.0.5");
            ActionRunner.Outcome unknown = runner.run("nope", null, null, EVENT).get(10, TimeUnit.SECONDS);
            assertThat(unknown.succeeded()).isFalse();
            assertThat(unknown.detail()).contains("no action named \"nope\"");
        }
    }

    @Test
    void delayedActionWithoutGroupRunsOnTheInstanceHoldingTheEventIpAndFiresOnce() throws Exception {
        try (Database db = Database.h2File(dir.resolve("db"));
             ActionRunner runner = new ActionRunner(vertx, Map.of("start", new ActionSpec("start", null, hook(), Duration.ofSeconds(5))))) {
            DelayedActionRepository repo = new DelayedActionRepository(db);
            repo.add(List.of(DelayedAction.fromJson(CollectJson.read(
                    "{\"event_ip\":\"10.0.0.5\",\"event_state\":\"connection refused\",\"do_action\":\"start\",\"do_level\":\"instances\"}"), 0)));
            DelayedActionSink sink = new DelayedActionSink(repo, runner, Clock.systemUTC(), ip -> ip.equals("10.0.0.5") ? "db-1" : null);
            String payload = "{\"id\":\"collect-1\",\"events\":[" + EVENT + "]}";
            sink.deliver(new OutboxRecord(1, "collect-1", "collect", "local", "STATUS_CHANGES", payload, 0)).toCompletableFuture().get();
            sink.deliver(new OutboxRecord(2, "collect-2", "collect", "local", "STATUS_CHANGES", payload, 0)).toCompletableFuture().get();
            await().atMost(Duration.ofSeconds(10)).until(() -> sink.history().size() == 1);
            assertThat(received).hasSize(1);
            assertThat(CollectJson.read(received.getFirst().substring(received.getFirst().indexOf('{'))).path("action").path("group").asText())
                    .isEqualTo("db-1");
            assertThat(sink.history().getFirst().path("succeeded").asBoolean()).isTrue();
            assertThat(repo.list()).isEmpty();
        }
    }
}

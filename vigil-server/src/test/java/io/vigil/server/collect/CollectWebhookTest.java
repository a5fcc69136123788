package io.vigil.server.collect;

import io.vigil.collect.TcpService;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.server.RunningServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhooks of the pull side in a real {@code vigil serve}: a webhook worker receives the {@code {"events":[...]}}
 * POSTs (retried until it answers 2xx, in order), and a delayed action whose action is a webhook fires on the instance
 * holding its event's ip. The receiver is a JDK HttpServer on 127.0.0.1.
 */
class CollectWebhookTest {
    @TempDir
    Path dir;
    TcpService ssh, mariadb;
    RunningServer server;
    HttpServer receiver;
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    final List<JsonNode> actions = new CopyOnWriteArrayList<>();
    final AtomicInteger refuseNext = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    @AfterEach
    void tearDown() {
        if (server != null) server.close();
        if (receiver != null) receiver.stop(0);
        if (ssh != null) ssh.close();
        if (mariadb != null) mariadb.close();
    }

    private void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                refused.incrementAndGet();
                ex.sendResponseHeaders(503, -1);
            } else {
                events.add(RunningServer.json(body));
                ex.sendResponseHeaders(204, -1);
            }
            ex.close();
        });
        receiver.createContext("/actions", ex -> {
            actions.add(RunningServer.json(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
    }

    private List<String> received() {
        return events.stream().flatMap(b -> {
            List<String> out = new java.util.ArrayList<>();
            b.path("events").forEach(e -> out.add(e.path("name").asText() + ":" + e.path("state").asText()));
            return out.stream();
        }).toList();
    }

    @Test
    void webhookWorkerGetsEveryChangeInOrderRetriedUntilAcceptedAndWebhookActionRunsOnTheInstanceOfTheIp() throws Exception {
        ssh = TcpService.start();
        mariadb = TcpService.start();
        startReceiver();
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        server = RunningServer.start(dir, """
                publish: []
                collect:
                  changesInterval: 100ms
                  allInterval: 2s
                  datasources:
                    - name: local
                      instances:
                        - {id: i-1, ip: 127.0.0.1, check: {type: tcp, port: %d}}
                      services:
                        - {name: node10, ip: 127.0.0.1, mode: mariadb, status: master, check: {type: tcp, port: %d}}
                workers:
                  - {type: webhook, url: %s/events, headers: {X-Team: db}}
                actions:
                  reboot: {webhook: %s/actions}
                """.formatted(ssh.port(), mariadb.port(), base, base));
        await().atMost(Duration.ofSeconds(10)).until(() -> server.getJson("/api/v1/heartbeat").path("round").asLong() > 0);
        var r = server.post("/api/v1/actions/delayed", """
                {"event_ip":"127.0.0.1","event_type":"services","event_state":"connection refused","do_action":"reboot","do_level":"instances"}""");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

        refuseNext.set(2); // the receiver is unavailable for the first two POSTs
        mariadb.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> received().equals(List.of("node10:connection refused")));
        assertThat(refused.get()).isEqualTo(2);
        JsonNode batch = events.getFirst();
        assertThat(batch.path("id").asText()).startsWith("collect-");
        JsonNode ev = batch.path("events").get(0);
        assertThat(ev.path("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(ev.path("type").asText()).isEqualTo("services");
        assertThat(ev.path("previous_state").asText()).isEqualTo("running");
        assertThat(ev.path("previous_code").asText()).isEqualTo("000000");
        assertThat(ev.path("code").asText()).isEqualTo("100001");

        await().atMost(Duration.ofSeconds(10)).until(() -> actions.size() == 1);
        JsonNode action = actions.getFirst();
        assertThat(action.path("action").path("name").asText()).isEqualTo("reboot");
        assertThat(action.path("action").path("group").asText()).as("the instance holding 127.0.0.1").isEqualTo("i-1");
        assertThat(action.path("action").path("level").asText()).isEqualTo("instances");
        assertThat(action.path("event").path("name").asText()).isEqualTo("node10");

        mariadb.restart();
        ssh.stop();
        await().atMost(Duration.ofSeconds(10)).until(() -> received().size() == 3);
        assertThat(received()).as("in order, each once").startsWith("node10:connection refused")
                .containsExactlyInAnyOrder("node10:connection refused", "node10:running", "i-1:connection refused");
        assertThat(events.stream().map(b -> b.path("id").asText()).distinct().count()).isEqualTo(events.size());
        assertThat(actions).as("the delayed action fired once").hasSize(1);
    }
}

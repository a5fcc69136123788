package io.vigil.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.cli.VigilCli;
import io.vigil.http.Json;
import io.vigil.peer.Command;
import io.vigil.peer.CommandName;
import io.vigil.peer.EventName;
import io.vigil.peer.LeadershipStatus;
import io.vigil.peer.PeerEvent;
import io.vigil.peer.PeerHeartbeat;
import io.vigil.peer.PeerListener;
import io.vigil.peer.PeerProperties;
import io.vigil.peer.PeerType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vigil serve} with a {@code peers:} section and a real peer client in the test: the peer is a source of
 * the endpoint's monitor, so its loss raises an ONSET at the webhook and its return an ABATED; leadership changes (the
 * peer's claim, and this node's set through the API and the CLI) arrive as LEADERSHIP change events.
 */
class PeersInServeProcessTest {
    @TempDir
    Path dir;

    @Test
    void aLostPeerRaisesOnsetItsReturnAbatedAndLeadershipChangesArePublished() throws Exception {
        List<JsonNode> delivered = new CopyOnWriteArrayList<>();
        HttpServer webhook = webhook(delivered);
        int peerPort = VigilProcess.freePort();
        List<PeerEvent> clientEvents = new CopyOnWriteArrayList<>();
        try (AutoCloseable stopWebhook = () -> webhook.stop(0); var vigil = VigilProcess.start(dir.resolve("v"), "v", """
                publish: [{type: webhook, url: 'http://127.0.0.1:%d/events'}]
                peers:
                  - {name: ha-pair, type: server, hostname: 127.0.0.1, port: %d, endpointId: vigil-1,
                     heartbeatInterval: 200ms, heartbeatTimeout: 400ms}
                """.formatted(webhook.getAddress().getPort(), peerPort));
             PeerHeartbeat client = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.CLIENT)
                     .hostname("127.0.0.1").port(peerPort).endpointId("db-1").reconnectAttempts(1000).reconnectSleepMillis(200)
                     .heartbeatIntervalMillis(200).heartbeatTimeoutMillis(400).build())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> vigil.status()
                    .map(s -> s.path("peers").path(0).path("state").asText().equals("RUNNING")).orElse(false));
            client.subscribe(new PeerListener() {
                @Override
                public void onEvent(PeerEvent e) {
                    clientEvents.add(e);
                }
            });
            client.command(Command.of(CommandName.START)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> vigil.getJson("/api/v1/sources?eventName=ha-pair")
                    .map(s -> s.toString().contains("\"db-1\"") && s.toString().contains("ALIVE")).orElse(false));

            client.command(Command.of(CommandName.STOP)).get(); // the peer is gone
            await().atMost(Duration.ofSeconds(30)).until(() -> alarms(delivered, "ONSET").contains("db-1"));
            client.command(Command.of(CommandName.START)).get(); // and back
            await().atMost(Duration.ofSeconds(30)).until(() -> alarms(delivered, "ABATED").contains("db-1"));
            assertThat(alarms(delivered, "ONSET")).containsExactly("db-1");

            // the peer claims leadership in its frames: a change event about it
            client.command(Command.setLeadership(LeadershipStatus.LEADER)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> leadership(delivered).contains("peer db-1 null->LEADER"));

            // this node's leadership, set through the API (loopback: admin without a token) and the CLI
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/peers/leadership")))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"leadershipStatus\":\"LEADER\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(r.body()).path("endpoints").toString()).isEqualTo("[\"ha-pair\"]");
            await().atMost(Duration.ofSeconds(30)).until(() -> leadership(delivered).contains("self vigil-1 null->LEADER"));
            await().atMost(Duration.ofSeconds(30)).until(() -> clientEvents.stream().anyMatch(e ->
                    e.eventName() == EventName.HEARTBEAT && e.leadershipStatus() == LeadershipStatus.LEADER));
            assertThat(VigilCli.commandLine().execute("peers", "leadership", "NON_LEADER", "--server", vigil.url(""))).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> leadership(delivered).contains("self vigil-1 LEADER->NON_LEADER"));
            assertThat(VigilCli.commandLine().execute("peers", "leadership", "CHIEF", "--server", vigil.url(""))).isEqualTo(2);

            // a bad request names the problem
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(vigil.url("/api/v1/peers/leadership")))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"leadershipStatus\":\"LEADER\",\"endpoint\":\"nope\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("no peer endpoint named \\\"nope\\\"");

            // visible in the API, the status (with the PEER channel's watermark) and the metrics
            JsonNode peers = vigil.getJson("/api/v1/peers").orElseThrow();
            assertThat(peers.path("endpoints").path(0).path("peers").toString()).contains("\"source\":\"db-1\"", "\"connected\":true");
            JsonNode status = vigil.status().orElseThrow();
            assertThat(status.path("peers").path(0).path("leadershipStatus").asText()).isEqualTo("NON_LEADER");
            assertThat(status.path("ingest").path("channels").path("peer").path("parts").toString()).contains("peer:ha-pair");
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(vigil.url("/metrics"))).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("vigil_peer_events_total{endpoint=\"ha-pair\",event=\"connected\"}",
                    "vigil_peer_connected{endpoint=\"ha-pair\"} 1.0", "vigil_peer_leadership_changes_total{outcome=\"written\"}");
        }
    }

    /**
     * The other two endpoint types inside {@code vigil serve}: a multicast member (the group's other member is a
     * source) and a TCP client (the server it connects to is a source); each loss gives an ONSET, each return an
     * ABATED.
     */
    @Test
    void multicastAndClientEndpointsInsideServeRaiseOnsetAndAbatedForTheirPeers() throws Exception {
        List<JsonNode> delivered = new CopyOnWriteArrayList<>();
        HttpServer webhook = webhook(delivered);
        int groupPort = VigilProcess.freePort();
        int serverPort = VigilProcess.freePort();
        String group = "239.255.77." + (10 + groupPort % 200);
        try (AutoCloseable stopWebhook = () -> webhook.stop(0);
             PeerHeartbeat member = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.MULTICAST).hostname(group)
                     .port(groupPort).networkInterface("lo").endpointId("db-m").heartbeatIntervalMillis(200)
                     .heartbeatTimeoutMillis(400).build());
             PeerHeartbeat server = PeerHeartbeat.create(PeerProperties.builder().type(PeerType.SERVER).hostname("127.0.0.1")
                     .port(serverPort).endpointId("db-s").heartbeatIntervalMillis(200).heartbeatTimeoutMillis(400).build());
             var vigil = VigilProcess.start(dir.resolve("v"), "v", """
                     publish: [{type: webhook, url: 'http://127.0.0.1:%d/events'}]
                     peers:
                       - {name: grp, type: multicast, hostname: '%s', port: %d, networkInterface: lo, endpointId: vigil-1,
                          heartbeatInterval: 200ms, heartbeatTimeout: 400ms}
                       - {name: up, type: client, hostname: 127.0.0.1, port: %d, endpointId: vigil-c,
                          heartbeatInterval: 200ms, heartbeatTimeout: 400ms, reconnectAttempts: 100000, reconnectSleep: 200ms}
                     """.formatted(webhook.getAddress().getPort(), group, groupPort, serverPort))) {
            member.command(Command.of(CommandName.START)).get();
            server.command(Command.of(CommandName.START)).get();
            await().atMost(Duration.ofSeconds(60)).until(() -> alive(vigil, "grp", "db-m") && alive(vigil, "up", "db-s"));

            member.command(Command.of(CommandName.STOP)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> alarms(delivered, "ONSET").contains("db-m"));
            member.command(Command.of(CommandName.START)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> alarms(delivered, "ABATED").contains("db-m"));

            server.command(Command.of(CommandName.STOP)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> alarms(delivered, "ONSET").contains("db-s"));
            server.command(Command.of(CommandName.START)).get(); // the client endpoint reconnects by itself
            await().atMost(Duration.ofSeconds(60)).until(() -> alarms(delivered, "ABATED").contains("db-s"));
            assertThat(alarms(delivered, "ONSET")).containsExactlyInAnyOrder("db-m", "db-s");
        }
    }

    private static boolean alive(VigilProcess vigil, String eventName, String source) {
        return vigil.getJson("/api/v1/sources?eventName=" + eventName).map(s -> s.path("sources").findValues("sourceName")
                .stream().anyMatch(n -> n.asText().equals(source)) && s.toString().contains("ALIVE")).orElse(false);
    }

    /** A webhook receiver on loopback ({@code /events}) that records every delivered event in {@code delivered}. */
    private static HttpServer webhook(List<JsonNode> delivered) throws java.io.IOException {
        HttpServer webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        webhook.setExecutor(Executors.newFixedThreadPool(2));
        webhook.createContext("/events", ex -> {
            try (ex) {
                delivered.add(Json.MAPPER.readTree(ex.getRequestBody().readAllBytes()));
                ex.sendResponseHeaders(200, -1);
            }
        });
        webhook.start();
        return webhook;
    }

    /** The sources of the delivered ONAP events with this closedLoopEventStatus, in delivery order. */
    private static List<String> alarms(List<JsonNode> delivered, String status) {
        return delivered.stream().filter(e -> status.equals(e.path("closedLoopEventStatus").asText()))
                .map(e -> e.path("AAI").path("generic-vnf.vnf-name").asText()).toList();
    }

    /** The delivered LEADERSHIP events as {@code scope source previous->status}. */
    private static List<String> leadership(List<JsonNode> delivered) {
        return delivered.stream().filter(e -> "LEADERSHIP".equals(e.path("kind").asText()))
                .map(e -> e.path("scope").asText() + " " + e.path("sourceName").asText() + " "
                        + e.path("previousLeadershipStatus").asText("null") + "->" + e.path("leadershipStatus").asText())
                .toList();
    }
}

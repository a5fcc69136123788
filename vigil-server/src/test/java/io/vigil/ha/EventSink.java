package io.vigil.ha;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.vigil.http.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on 127.0.0.1 that records every ONAP control-loop event delivered to it (duplicates included),
 * so that a test can assert the exact set of change events: no missing ONSET, no duplicate.
 */
public final class EventSink implements AutoCloseable {
    /** One delivery: the event's status (ONSET/ABATED), source and requestID, and when it arrived. */
    public record Delivered(String status, String source, String requestId, long atMillis) {
    }

    private final HttpServer server;
    private final List<Delivered> delivered = new ArrayList<>();

    public EventSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/events", ex -> {
            try (ex) {
                JsonNode e = Json.MAPPER.readTree(ex.getRequestBody().readAllBytes());
                JsonNode aai = e.path("AAI");
                String source = aai.has("generic-vnf.vnf-name") ? aai.path("generic-vnf.vnf-name").asText()
                        : aai.path("vserver.vserver-name").asText();
                synchronized (delivered) {
                    delivered.add(new Delivered(e.path("closedLoopEventStatus").asText(), source,
                            e.path("requestID").asText(), System.currentTimeMillis()));
                }
                ex.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/events";
    }

    public List<Delivered> all() {
        synchronized (delivered) {
            return List.copyOf(delivered);
        }
    }

    public List<Delivered> of(String source, String status) {
        return all().stream().filter(d -> d.source().equals(source) && d.status().equals(status)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

package io.vigil.transport.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vigil.transport.dmaap.DmaapPublishSink;
import io.vigil.transport.dmaap.testing.FakeMessageRouter;
import io.vigil.backoff.BackoffPolicy;
import io.vigil.transport.relay.OutboxRelay;
import io.vigil.transport.relay.RelaySettings;
import io.vigil.transport.relay.testing.InMemoryOutbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several events per request, over real sockets: the webhook's opt-in batch mode and the Message Router's batch publish. */
class BatchDeliveryTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx = Vertx.vertx();
    private final FakeMessageRouter mr = FakeMessageRouter.start(vertx);
    private final InMemoryOutbox outbox = new InMemoryOutbox();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
        mr.close();
        vertx.close().await(5, TimeUnit.SECONDS);
    }

    private OutboxRelay relay(WebhookSink sink) {
        open.add(sink);
        OutboxRelay relay = OutboxRelay.start(sink, outbox, RelaySettings.defaults()
                .withPollInterval(Duration.ofMillis(50)).withBackoff(BackoffPolicy.fixed(Duration.ofMillis(100))));
        open.add(relay);
        return relay;
    }

    private void append(int n, int sources) {
        for (int i = 0; i < n; i++) {
            String source = "vnf-" + (i % sources);
            outbox.append(source, i % 2 == 0 ? "ONSET" : "ABATED", "{\"source\":\"" + source + "\",\"n\":" + i + "}");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** Every event the bodies carry, in arrival order, copies removed; asserts each source's events came in order. */
    private static List<Integer> eventsInOrder(List<String> bodies) {
        Set<Integer> seen = new LinkedHashSet<>();
        Map<String, Integer> lastOfSource = new HashMap<>();
        for (String body : bodies) {
            JsonNode node = parse(body);
            List<JsonNode> events = new ArrayList<>();
            if (node.isArray()) node.forEach(events::add);
            else events.add(node);
            for (JsonNode e : events) {
                int n = e.path("n").asInt();
                if (!seen.add(n)) continue; // a copy from a batch sent again
                Integer before = lastOfSource.put(e.path("source").asText(), n);
                assertThat(before == null || before < n).as("%s: event %s after %s", e.path("source").asText(), n, before).isTrue();
            }
        }
        return new ArrayList<>(seen);
    }

    @Test
    void aWebhookInBatchModeGetsJsonArraysOfAtMostMaxEventsAndEveryEventOnceInOrderPerSource() {
        append(600, 23);
        WebhookSink sink = new WebhookSink(vertx, "webhook:batch", mr.url("/hooks/batch"), Map.of(), Duration.ofSeconds(5), null,
                new WebhookSink.Batching(50, Duration.ofMillis(20), true));
        OutboxRelay relay = relay(sink);

        await().atMost(DEADLINE).until(() -> relay.delivered() == 600);
        List<String> bodies = mr.publishedBodies("/hooks/batch");
        assertThat(bodies).allSatisfy(b -> assertThat(parse(b).isArray()).as("a JSON array: %s", b).isTrue());
        assertThat(bodies).allSatisfy(b -> assertThat(parse(b).size()).isBetween(1, 50));
        assertThat(bodies.size()).as("requests for 600 events").isLessThan(600 / 5);
        assertThat(eventsInOrder(bodies)).hasSize(600);
        assertThat(mr.published("/hooks/batch").getFirst().headers().get("content-type")).startsWith("application/json");
    }

    @Test
    void aSingleEventInBatchModeStillGoesAsAnArrayAfterMaxDelay() {
        WebhookSink sink = new WebhookSink(vertx, "webhook:one", mr.url("/hooks/one"), Map.of(), Duration.ofSeconds(5), null,
                new WebhookSink.Batching(100, Duration.ofMillis(30), true));
        OutboxRelay relay = relay(sink);
        outbox.append("vnf-1", "ONSET", "{\"source\":\"vnf-1\",\"n\":1}");
        relay.wakeUp();

        await().atMost(DEADLINE).until(() -> relay.delivered() == 1);
        assertThat(mr.publishedBodies("/hooks/one")).singleElement().satisfies(b -> assertThat(parse(b).isArray()).isTrue());
    }

    @Test
    void aBatchRefusedByTheReceiverIsSentAgainWholeAndNothingIsLost() {
        mr.failWith(503);
        append(200, 7);
        WebhookSink sink = new WebhookSink(vertx, "webhook:outage", mr.url("/hooks/outage"), Map.of(), Duration.ofSeconds(5), null,
                new WebhookSink.Batching(20, Duration.ZERO, true));
        OutboxRelay relay = relay(sink);
        await().atMost(DEADLINE).until(() -> relay.failedAttempts() >= 3);
        assertThat(relay.delivered()).isZero();

        mr.heal();
        await().atMost(DEADLINE).until(() -> relay.delivered() == 200);
        assertThat(eventsInOrder(mr.publishedBodies("/hooks/outage"))).hasSize(200);
    }

    @Test
    void theMessageRouterGetsAStormAsBatchPublishesAndALoneEventAsOneObject() {
        append(1000, 50);
        DmaapPublishSink sink = new DmaapPublishSink(vertx, "dmaap:out", mr.topicUrl("OUT"), Optional.empty(), Duration.ofSeconds(5), null,
                DmaapPublishSink.DEFAULT_MAX_EVENTS, Duration.ZERO);
        OutboxRelay relay = relay(sink);

        await().atMost(DEADLINE).until(() -> relay.delivered() == 1000);
        List<String> storm = mr.publishedBodies("OUT");
        assertThat(storm.size()).as("publishes for 1000 events").isLessThan(1000 / 5);
        assertThat(storm).allSatisfy(b -> assertThat(parse(b).isArray() ? parse(b).size() : 1).isBetween(1, 100));
        assertThat(eventsInOrder(storm)).hasSize(1000);

        outbox.append("vnf-9", "ONSET", "{\"source\":\"vnf-9\",\"n\":1000}");
        relay.wakeUp();
        await().atMost(DEADLINE).until(() -> relay.delivered() == 1001);
        assertThat(parse(mr.publishedBodies("OUT").getLast()).isObject()).as("one event: the bare control-loop object").isTrue();
    }
}

package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vigil.config.ConfigLoader;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.Sink;
import io.vigil.liveness.AlarmPathWarmUp;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up reaches a sink of each configured HTTP kind, pointed at its own loopback receiver, and a Kafka sink
 * producing to its own loopback stand-in.
 */
class WarmUpReceiverTest {
    @TempDir
    Path dir;

    @Test
    void theWarmUpsStormsGoThroughASinkOfEachConfiguredKindToItsOwnReceivers() throws Exception {
        // 192.0.2.1 (TEST-NET-1) is never reached: the warm-up's sinks post to the receiver (or the Kafka stand-in) only
        List<PublishTarget> targets = ConfigLoader.parse("""
                publish:
                  - {type: webhook, url: 'http://192.0.2.1/hook'}
                  - {type: webhook, url: 'http://192.0.2.1/other'}
                  - {type: webhook, url: 'http://192.0.2.1/batch', batch: {maxEvents: 100}}
                  - {type: dmaap, url: 'http://192.0.2.1/events/OUT'}
                  - {type: kafka, bootstrapServers: '192.0.2.1:9092', topic: out, properties: {security.protocol: SASL_SSL}}
                  - {type: log}
                """, "test.yaml").publish();
        Vertx vertx = Vertx.vertx();
        try (WarmUpReceiver receiver = WarmUpReceiver.start(vertx, targets, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
            assertThat(receiver.sinks()).extracting(Sink::name)
                    .containsExactly("warm-up-webhook", "warm-up-webhook-batch", "warm-up-mr", "warm-up-kafka");

            AlarmPathWarmUp.Result r = AlarmPathWarmUp.run(dir.resolve("warm-up"), 2_000, 2, () -> false, receiver.sinks());

            assertThat(r.events()).as("every storm went through every sink (the run waits for each)").isEqualTo(3 * 2_000);
            assertThat(receiver.requests()).as("the receiver took them: a plain webhook's 6,000 requests, batches of the others")
                    .isGreaterThanOrEqualTo(6_000);
            assertThat(receiver.kafkaProduceRequests()).as("the Kafka sink's records were acknowledged by the stand-in")
                    .isPositive();
        } finally {
            vertx.close().await();
        }
    }
}

package io.vigil.server;

import io.vigil.config.KafkaIngest;
import io.vigil.config.PublishTarget;
import io.vigil.delivery.Sink;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.metrics.VigilMetrics;

/** Builds the Kafka ingest and sink from configuration (the Kafka capability's only contact with the server). */
final class KafkaWiring {
    private KafkaWiring() {
    }

    static Sink sink(String name, PublishTarget.Kafka target) {
        throw new IllegalStateException("publish type kafka is not available in this build yet; remove it from publish[]");
    }

    static AutoCloseable startIngest(KafkaIngest kafka, HeartbeatReceiver receiver, VigilMetrics metrics) {
        throw new IllegalStateException("ingest.kafka is not available in this build yet; remove it from the config");
    }
}

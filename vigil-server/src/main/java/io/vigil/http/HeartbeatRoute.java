package io.vigil.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vigil.ingest.HeartbeatReceiver;
import java.util.concurrent.CompletionStage;

/**
 * Where the VES listener sends the heartbeats of a request, one kind per HA mode and role (docs/ha.md):
 * detect them here, forward the raw request to the active instance (a standby in active-standby HA), or publish them
 * to the Kafka heartbeat topic so that the owner of the source's partition detects them (kafka-partitions).
 */
public sealed interface HeartbeatRoute {

    /** This instance detects: every heartbeat goes to the receiver (the engine). */
    record Detect(HeartbeatReceiver receiver) implements HeartbeatRoute {
    }

    /** This instance is a standby: the request goes, unparsed, to the active instance, whose answer is relayed. */
    record Forward(Forwarder forwarder) implements HeartbeatRoute {
    }

    /** Active-active over Kafka partitions: the body goes into the heartbeat topic, keyed by a sourceName. */
    record Publish(Publisher publisher) implements HeartbeatRoute {
    }

    /** Relays a request whose body was read to the active instance and answers it with the active's answer. */
    interface Forwarder {
        void forward(HttpServerRequest req, Buffer body);
    }

    /** Writes a heartbeat body into the heartbeat topic; completes once the broker acknowledged it. */
    interface Publisher {
        CompletionStage<Void> publish(String sourceName, byte[] body);

        String topic();
    }
}

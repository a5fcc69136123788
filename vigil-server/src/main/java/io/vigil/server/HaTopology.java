package io.vigil.server;

import io.vigil.server.ha.HeartbeatForwarder;
import io.vigil.server.ha.KafkaHeartbeatRouter;
import io.vigil.server.ha.PartitionAssignments;
import io.vigil.server.ha.PeerDirectory;
import java.util.Optional;

/**
 * How this instance shares the work with others, fixed at start ({@code ha.enabled}, {@code ha.mode}): each mode
 * carries exactly the parts it runs, so no caller asks a getter that is null in the other modes.
 */
public sealed interface HaTopology {

    /** No HA: this instance detects and emits alone (after waiting out a dead predecessor's lease). */
    record Single() implements HaTopology {
    }

    /**
     * {@code ha.mode: active-standby}: one instance detects and emits; a standby forwards the heartbeats it receives
     * to the active one.
     *
     * @param peers     the instances and the active's URL
     * @param forwarder forwards heartbeats while this instance is STANDBY
     */
    record ActiveStandby(PeerDirectory peers, HeartbeatForwarder forwarder) implements HaTopology {
    }

    /**
     * {@code ha.mode: kafka-partitions}: every instance detects the sources of the Kafka partitions it is assigned;
     * HTTP heartbeats go into the topic; the lease holder runs the relays.
     *
     * @param peers      the instances
     * @param partitions which partitions this instance owns, and under which epochs
     * @param router     publishes HTTP heartbeats into the topic, keyed by sourceName
     */
    record KafkaPartitions(PeerDirectory peers, PartitionAssignments partitions, KafkaHeartbeatRouter router)
            implements HaTopology {
    }

    /** The HA instances directory; empty without HA. */
    default Optional<PeerDirectory> peerDirectory() {
        return switch (this) {
            case Single s -> Optional.empty();
            case ActiveStandby a -> Optional.of(a.peers());
            case KafkaPartitions k -> Optional.of(k.peers());
        };
    }
}

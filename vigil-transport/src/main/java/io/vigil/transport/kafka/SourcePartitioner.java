package io.vigil.transport.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition a source's heartbeats belong to: Kafka's default partitioner applied to the sourceName as the
 * record key (murmur2 of its UTF-8 bytes, made positive, modulo the partition count). A producer that keys its
 * records by sourceName with the default partitioner (or {@code StringSerializer} keys) puts every heartbeat of a
 * source exactly there, so the owner of that partition sees all of them. Stateless, thread-safe.
 */
public final class SourcePartitioner {
    private SourcePartitioner() {
    }

    /** The partition of {@code sourceName} in a topic of {@code partitionCount} partitions. */
    public static int partitionOf(String sourceName, int partitionCount) {
        if (partitionCount <= 0) throw new IllegalArgumentException("partitionCount must be positive, got " + partitionCount);
        return Utils.toPositive(Utils.murmur2(sourceName.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}

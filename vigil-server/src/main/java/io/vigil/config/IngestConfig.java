package io.vigil.config;

import org.jspecify.annotations.Nullable;

/**
 * Pull ingest channels; VES over HTTP is always on. YAML section {@code ingest}.
 *
 * @param dmaap Message Router polling, or null when not configured
 * @param kafka Kafka consumption, or null when not configured
 */
public record IngestConfig(@Nullable DmaapIngest dmaap, @Nullable KafkaIngest kafka) {
    public static final IngestConfig NONE = new IngestConfig(null, null);
}

package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.secret.BasicAuth;
import java.time.Duration;
import java.util.Objects;

/**
 * Polling a DMaaP Message Router topic: {@code GET {url}/{group}/{consumer}?timeout=…&limit=…} in a loop.
 * YAML {@code ingest.dmaap}; ONAP {@code streams_subscribes["ves-heartbeat"]} + {@code groupID}/{@code consumerID}.
 *
 * @param url         the topic URL, e.g. {@code http://mr:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT}
 * @param group       consumer group; default {@value #DEFAULT_GROUP}
 * @param consumer    consumer id inside the group; default {@value #DEFAULT_CONSUMER}
 * @param pollTimeout long-poll timeout sent as {@code timeout=} (ms); default 15 s
 * @param limit       most messages per poll, sent as {@code limit=}; default {@value #DEFAULT_LIMIT}
 * @param auth        basic auth towards the Message Router, or null
 */
public record DmaapIngest(String url, String group, String consumer, Duration pollTimeout, int limit, @Nullable BasicAuth auth,
                          java.nio.file.@Nullable Path caFile) {
    public static final String DEFAULT_GROUP = "vigil";
    public static final String DEFAULT_CONSUMER = "1";
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_LIMIT = 1000;

    /** Trusting the JDK's CAs ({@code caFile}: {@code ingest.dmaap.tls.caFile}, PEM, for a private CA). */
    public DmaapIngest(String url, String group, String consumer, Duration pollTimeout, int limit, BasicAuth auth) {
        this(url, group, consumer, pollTimeout, limit, auth, null);
    }

    public DmaapIngest {
        Objects.requireNonNull(url, "url");
        if (group == null) group = DEFAULT_GROUP;
        if (consumer == null) consumer = DEFAULT_CONSUMER;
        if (pollTimeout == null) pollTimeout = DEFAULT_POLL_TIMEOUT;
        if (limit <= 0) limit = DEFAULT_LIMIT;
    }
}

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
 * @param pollGrace   added to {@code pollTimeout} to bound one poll (a hung Message Router is given up after both);
 *                    default 5 s
 * @param retryMax    the longest pause between polls while they fail (250 ms doubling up to this); default 5 s
 */
public record DmaapIngest(String url, String group, String consumer, Duration pollTimeout, int limit, @Nullable BasicAuth auth,
                          java.nio.file.@Nullable Path caFile, Duration pollGrace, Duration retryMax) {
    public static final String DEFAULT_GROUP = "vigil";
    public static final String DEFAULT_CONSUMER = "1";
    public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofSeconds(15);
    public static final int DEFAULT_LIMIT = 1000;
    public static final Duration DEFAULT_POLL_GRACE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);

    /** Default {@code pollGrace} and {@code retryMax}. */
    public DmaapIngest(String url, String group, String consumer, Duration pollTimeout, int limit, BasicAuth auth,
                       java.nio.file.Path caFile) {
        this(url, group, consumer, pollTimeout, limit, auth, caFile, null, null);
    }

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
        if (pollGrace == null) pollGrace = DEFAULT_POLL_GRACE;
        if (retryMax == null) retryMax = DEFAULT_RETRY_MAX;
    }
}

package io.vigil.transport.dmaap;

import io.vigil.secret.BasicAuth;
import io.vigil.backoff.BackoffPolicy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how a {@link DmaapPoller} polls.
 *
 * @param topicUrl          {@code streams_subscribes["ves-heartbeat"].dmaap_info.topic_url}, e.g. {@code http://mr:3904/events/unauthenticated.SEC_HEARTBEAT_OUTPUT}
 * @param group             consumer group ({@code groupID})
 * @param consumer          consumer id within the group ({@code consumerID})
 * @param auth              MR credentials, if the topic needs them
 * @param longPollTimeout   the {@code timeout} MR may hold an empty poll open (ONAP uses 15 s)
 * @param limit             the {@code limit}: most messages per poll
 * @param requestGrace      added to {@code longPollTimeout} to bound one poll request (MR answers late under load)
 * @param backoff           pause after the n-th consecutive failed poll
 * @param clock             time source of the watermark (the engine's clock)
 */
public record DmaapPollerSettings(
        URI topicUrl,
        String group,
        String consumer,
        Optional<BasicAuth> auth,
        Duration longPollTimeout,
        int limit,
        Duration requestGrace,
        BackoffPolicy backoff,
        Clock clock) {

    public DmaapPollerSettings {
        Objects.requireNonNull(topicUrl, "topicUrl");
        if (!"http".equalsIgnoreCase(topicUrl.getScheme()) && !"https".equalsIgnoreCase(topicUrl.getScheme())) {
            throw new IllegalArgumentException("ingest.dmaap.url must be an http(s) topic URL such as http://mr:3904/events/TOPIC, got: " + topicUrl);
        }
        if (group == null || group.isBlank()) throw new IllegalArgumentException("ingest.dmaap.group must not be empty");
        if (consumer == null || consumer.isBlank()) throw new IllegalArgumentException("ingest.dmaap.consumer must not be empty");
        Objects.requireNonNull(auth, "auth");
        if (longPollTimeout.isNegative()) throw new IllegalArgumentException("long-poll timeout must be >= 0, got " + longPollTimeout);
        if (limit < 1) throw new IllegalArgumentException("poll limit must be >= 1, got " + limit);
        Objects.requireNonNull(requestGrace, "requestGrace");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(clock, "clock");
    }

    /**
     * ONAP's poll ({@code timeout=15000}), 1000 messages per poll, 5 s grace, backoff 250 ms doubling to 5 s (the channel is
     * blind while the poller backs off, so every second of backoff after MR is back is detection time lost).
     */
    public static DmaapPollerSettings of(URI topicUrl, String group, String consumer, Optional<BasicAuth> auth) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, Duration.ofSeconds(15), 1000, Duration.ofSeconds(5),
                BackoffPolicy.exponential(Duration.ofMillis(250), Duration.ofSeconds(5)), Clock.systemUTC());
    }

    public DmaapPollerSettings withLongPollTimeout(Duration value) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, value, limit, requestGrace, backoff, clock);
    }

    public DmaapPollerSettings withLimit(int value) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, longPollTimeout, value, requestGrace, backoff, clock);
    }

    public DmaapPollerSettings withRequestGrace(Duration value) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, longPollTimeout, limit, value, backoff, clock);
    }

    public DmaapPollerSettings withBackoff(BackoffPolicy value) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, longPollTimeout, limit, requestGrace, value, clock);
    }

    public DmaapPollerSettings withClock(Clock value) {
        return new DmaapPollerSettings(topicUrl, group, consumer, auth, longPollTimeout, limit, requestGrace, backoff, value);
    }

    /**
     * The longest a normal poll takes ({@code longPollTimeout} + 1 s): a longer step of the channel's watermark is
     * blindness.
     */
    public Duration blindAfter() {
        return longPollTimeout.plusSeconds(1);
    }

    /** {@code {topic_url}/{group}/{consumer}?timeout=…&limit=…}, path segments URL-encoded. */
    public String pollUrl() {
        String base = topicUrl.toString();
        if (base.endsWith("/")) base = base.substring(0, base.length() - 1);
        return base + "/" + encode(group) + "/" + encode(consumer) + "?timeout=" + longPollTimeout.toMillis() + "&limit=" + limit;
    }

    private static String encode(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}

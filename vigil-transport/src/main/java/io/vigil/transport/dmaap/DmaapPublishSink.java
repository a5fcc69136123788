package io.vigil.transport.dmaap;

import io.vigil.secret.BasicAuth;
import io.vertx.core.Vertx;
import io.vigil.transport.webhook.WebhookSink;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes change events to a DMaaP Message Router topic as ONAP's policy engine expects them: a
 * {@code POST {topic_url}} with the control-loop JSON object as body, {@code Content-Type: application/json}
 * (ONAP's own service omitted it), optional basic auth. When several events wait (a storm), one POST carries up to
 * {@code maxEvents} of them as a JSON array: MR's batch publish, which puts each element on the topic as its own
 * message, so consumers see the same messages either way. MR answers 200 when the messages are on the topic; anything
 * else fails the delivery and the relay sends the whole request again (consumers deduplicate on {@code requestID}).
 *
 * <p>A Message Router publish is an HTTP POST of the event, so this is a {@link WebhookSink} fixed to the topic URL
 * and MR's credentials. Thread-safe.
 */
public final class DmaapPublishSink extends WebhookSink {

    /** Events per publish when {@code publish[].batch.maxEvents} is not configured. */
    public static final int DEFAULT_MAX_EVENTS = 100;

    /**
     * @param vertx    the application's shared Vert.x instance
     * @param name     unique, stable sink name (the outbox cursor key), e.g. {@code dmaap:dcae_cl_out}
     * @param topicUrl {@code streams_publishes["dcae_cl_out"].dmaap_info.topic_url}, e.g. {@code http://mr:3904/events/unauthenticated.DCAE_CL_OUTPUT}
     * @param auth     MR credentials, if the topic needs them
     * @param timeout  bound on one publish
     */
    public DmaapPublishSink(Vertx vertx, String name, URI topicUrl, Optional<BasicAuth> auth, Duration timeout) {
        this(vertx, name, topicUrl, auth, timeout, null);
    }

    /**
     * One event per publish.
     *
     * @param caFile PEM CA certificate(s) to trust for an {@code https://} topic URL, or null for the JDK's
     */
    public DmaapPublishSink(Vertx vertx, String name, URI topicUrl, Optional<BasicAuth> auth, Duration timeout, java.nio.file.Path caFile) {
        this(vertx, name, topicUrl, auth, timeout, caFile, 1, Duration.ZERO); // one event per publish
    }

    /**
     * @param maxEvents most events in one publish (a JSON array); 1 publishes each event on its own
     * @param maxDelay  how long the first waiting event may wait for more before a smaller publish goes
     */
    public DmaapPublishSink(Vertx vertx, String name, URI topicUrl, Optional<BasicAuth> auth, Duration timeout,
                            java.nio.file.Path caFile, int maxEvents, Duration maxDelay) {
        super(vertx, name, topicUrl, auth.map(a -> Map.of("Authorization", a.headerValue())).orElse(Map.of()), timeout, caFile,
                new Batching(maxEvents, maxDelay, false));
    }

    /** A sink named {@code dmaap:<topicUrl>} with the default timeout. */
    public DmaapPublishSink(Vertx vertx, URI topicUrl, Optional<BasicAuth> auth) {
        this(vertx, "dmaap:" + topicUrl, topicUrl, auth, DEFAULT_TIMEOUT);
    }
}

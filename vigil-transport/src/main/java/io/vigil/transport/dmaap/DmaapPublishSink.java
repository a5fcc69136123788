package io.vigil.transport.dmaap;

import io.vigil.secret.BasicAuth;
import io.vertx.core.Vertx;
import io.vigil.transport.webhook.WebhookSink;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Publishes change events to a DMaaP Message Router topic as ONAP's policy engine expects them: one
 * {@code POST {topic_url}} per event, the control-loop JSON object as body, {@code Content-Type: application/json}
 * (ONAP's own service omitted it), optional basic auth. MR answers 200 when the message is on the topic; anything
 * else fails the delivery and the relay retries it.
 *
 * <p>A Message Router publish is an HTTP POST of the event, so this is a {@link WebhookSink} fixed to the topic URL
 * and MR's credentials. Thread-safe.
 */
public final class DmaapPublishSink extends WebhookSink {

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

    /** @param caFile PEM CA certificate(s) to trust for an {@code https://} topic URL, or null for the JDK's */
    public DmaapPublishSink(Vertx vertx, String name, URI topicUrl, Optional<BasicAuth> auth, Duration timeout, java.nio.file.Path caFile) {
        super(vertx, name, topicUrl, auth.map(a -> Map.of("Authorization", a.headerValue())).orElse(Map.of()), timeout, caFile);
    }

    /** A sink named {@code dmaap:<topicUrl>} with the default timeout. */
    public DmaapPublishSink(Vertx vertx, URI topicUrl, Optional<BasicAuth> auth) {
        this(vertx, "dmaap:" + topicUrl, topicUrl, auth, DEFAULT_TIMEOUT);
    }
}

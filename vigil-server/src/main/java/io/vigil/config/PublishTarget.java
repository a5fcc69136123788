package io.vigil.config;

import org.jspecify.annotations.Nullable;
import io.vigil.secret.BasicAuth;
import java.util.Map;
import java.util.Objects;

/**
 * Where change events (ONAP control-loop events) are delivered. YAML {@code publish[]}, chosen by {@code type}.
 * A closed set: the relay switches over it exhaustively.
 */
public sealed interface PublishTarget {

    /** The kind of this target (its YAML {@code type}). */
    PublishType type();

    /**
     * YAML {@code publish[].batch}: several events per {@code POST}, as a JSON array.
     *
     * @param maxEvents most events in one request (≥ 1)
     * @param maxDelay  how long the first event of a batch may wait for more before a smaller batch goes (≥ 0)
     */
    record Batch(int maxEvents, java.time.Duration maxDelay) {
        /** The Message Router's default: up to 100 events per publish, sent at once. */
        public static final Batch MESSAGE_ROUTER_DEFAULT = new Batch(100, java.time.Duration.ZERO);

        public Batch {
            if (maxEvents < 1) throw new IllegalArgumentException("batch.maxEvents must be >= 1, got " + maxEvents);
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (maxDelay.isNegative()) throw new IllegalArgumentException("batch.maxDelay must be >= 0, got " + maxDelay);
        }
    }

    /**
     * {@code type: dmaap}: {@code POST {url}} to a Message Router topic; {@code tls.caFile} (PEM, or null) is trusted
     * for an https URL. One event goes as one JSON object; several waiting events go as one JSON array of up to
     * {@code batch.maxEvents} (MR's batch publish: each element becomes one message on the topic).
     */
    record Dmaap(String url, @Nullable BasicAuth auth, java.nio.file.@Nullable Path caFile, Batch batch) implements PublishTarget {
        public Dmaap {
            Objects.requireNonNull(url, "url");
            if (batch == null) batch = Batch.MESSAGE_ROUTER_DEFAULT;
        }

        /** With the default batching. */
        public Dmaap(String url, BasicAuth auth, java.nio.file.Path caFile) {
            this(url, auth, caFile, Batch.MESSAGE_ROUTER_DEFAULT);
        }

        /** Trusting the JDK's CAs. */
        public Dmaap(String url, BasicAuth auth) {
            this(url, auth, null);
        }

        @Override
        public PublishType type() {
            return PublishType.DMAAP;
        }
    }

    /**
     * {@code type: webhook}: {@code POST url} of the same JSON object, with extra request headers; with {@code batch}
     * (opt-in) a JSON array of up to {@code batch.maxEvents} events per request instead.
     */
    record Webhook(String url, Map<String, String> headers, java.nio.file.@Nullable Path caFile, java.util.Optional<Batch> batch)
            implements PublishTarget {
        public Webhook {
            Objects.requireNonNull(url, "url");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
            Objects.requireNonNull(batch, "batch");
        }

        /** One event per request. */
        public Webhook(String url, Map<String, String> headers, java.nio.file.Path caFile) {
            this(url, headers, caFile, java.util.Optional.empty());
        }

        /** Trusting the JDK's CAs. */
        public Webhook(String url, Map<String, String> headers) {
            this(url, headers, null);
        }

        @Override
        public PublishType type() {
            return PublishType.WEBHOOK;
        }
    }

    /** {@code type: log}: one log line per event (logger {@code io.vigil.publish}). */
    record Log() implements PublishTarget {
        @Override
        public PublishType type() {
            return PublishType.LOG;
        }
    }

    /** {@code type: kafka}: one record per event, key = sourceName. */
    record Kafka(String bootstrapServers, String topic, Map<String, String> properties) implements PublishTarget {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }

        @Override
        public PublishType type() {
            return PublishType.KAFKA;
        }
    }
}

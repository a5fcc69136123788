package io.vigil.config;

import io.vigil.secret.BasicAuth;
import java.util.Map;
import java.util.Objects;

/**
 * Where change events (ONAP control-loop events) are delivered. YAML {@code publish[]}, chosen by {@code type}.
 * A closed set: the relay switches over it exhaustively.
 */
public sealed interface PublishTarget {

    /** The YAML {@code type} value of this target. */
    String type();

    /** {@code type: dmaap}: {@code POST {url}}; {@code tls.caFile} (PEM, or null) is trusted for an https URL of one JSON object per event to a Message Router topic. */
    record Dmaap(String url, BasicAuth auth, java.nio.file.Path caFile) implements PublishTarget {
        public Dmaap {
            Objects.requireNonNull(url, "url");
        }

        /** Trusting the JDK's CAs. */
        public Dmaap(String url, BasicAuth auth) {
            this(url, auth, null);
        }

        @Override
        public String type() {
            return "dmaap";
        }
    }

    /** {@code type: webhook}: {@code POST url} of the same JSON object, with extra request headers. */
    record Webhook(String url, Map<String, String> headers, java.nio.file.Path caFile) implements PublishTarget {
        public Webhook {
            Objects.requireNonNull(url, "url");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** Trusting the JDK's CAs. */
        public Webhook(String url, Map<String, String> headers) {
            this(url, headers, null);
        }

        @Override
        public String type() {
            return "webhook";
        }
    }

    /** {@code type: log}: one log line per event (logger {@code io.vigil.publish}). */
    record Log() implements PublishTarget {
        @Override
        public String type() {
            return "log";
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
        public String type() {
            return "kafka";
        }
    }
}

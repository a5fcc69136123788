package io.vigil.collect.worker;

import io.vigil.secret.Secrets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A worker: where status-change events go ({@code workers[]}). Every worker is a sink fed from the outbox by its own
 * relay: at least once, in order, retried with backoff until it accepts.
 */
public sealed interface WorkerSpec {
    /** The stable sink name (the outbox keeps the worker's delivery cursor under it). */
    String sinkName();

    /** {@code type: script}: the events JSON on stdin; exit code 0 accepts, anything else is retried. */
    record Script(List<String> command, Duration timeout) implements WorkerSpec {
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

        public Script {
            Objects.requireNonNull(command, "command");
            if (command.isEmpty()) throw new IllegalArgumentException("a script worker needs a command");
            command = List.copyOf(command);
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
        }

        @Override
        public String sinkName() {
            return "worker:script:" + String.join(" ", command);
        }
    }

    /** {@code type: webhook}: {@code POST url} of the events JSON; 2xx accepts. */
    record Webhook(String url, Map<String, String> headers) implements WorkerSpec {
        public Webhook {
            Objects.requireNonNull(url, "url");
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        @Override
        public String sinkName() {
            return "worker:webhook:" + Secrets.redactUrl(url);
        }
    }

    /** {@code type: kafka}: one record per event batch on {@code topic}. */
    record Kafka(String bootstrapServers, String topic, Map<String, String> properties) implements WorkerSpec {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }

        @Override
        public String sinkName() {
            return "worker:kafka:" + bootstrapServers + "/" + topic;
        }
    }
}

package io.vigil.collect;

import java.util.Map;
import java.util.Objects;

/** Where collectors write their results in the background ({@code collect.eventQueue}). */
public sealed interface EventQueueSpec {
    /** {@code eventQueue: none}: results are not recorded. */
    record None() implements EventQueueSpec {
    }

    /** {@code eventQueue: store} (the default): table {@code collect_event_queue} of the store, kept one hour. */
    record Store() implements EventQueueSpec {
    }

    /**
     * {@code eventQueue: {type: kafka, bootstrapServers, topic, properties}}: one record per datasource of each
     * result on {@code topic}, keyed by the datasource name; at least once, in order per datasource.
     */
    record Kafka(String bootstrapServers, String topic, Map<String, String> properties) implements EventQueueSpec {
        public Kafka {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            Objects.requireNonNull(topic, "topic");
            properties = properties == null ? Map.of() : Map.copyOf(properties);
        }
    }

    EventQueueSpec NONE = new None();
    EventQueueSpec STORE = new Store();
}

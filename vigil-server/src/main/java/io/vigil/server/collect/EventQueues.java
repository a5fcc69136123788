package io.vigil.server.collect;

import io.vigil.collect.EventQueueSpec;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.rpc.StoreEventQueue;
import io.vigil.store.Database;
import java.util.function.Supplier;

/** Builds the event queue {@code collect.eventQueue} names. */
public final class EventQueues {
    private EventQueues() {
    }

    /**
     * @param store the store to write to for {@code eventQueue: store}; asked only for that type (a standalone
     *              collector opens its own database only when it needs one)
     */
    public static EventQueue open(EventQueueSpec spec, Supplier<Database> store) {
        return switch (spec) {
            case EventQueueSpec.None n -> EventQueue.NONE;
            case EventQueueSpec.Store s -> new StoreEventQueue(store.get());
            case EventQueueSpec.Kafka k -> new KafkaEventQueue(k);
        };
    }
}

package io.vigil.liveness;

import io.vigil.engine.ChangeEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Hands every durable change event to the live subscribers (the dashboard's event stream). Published on the journal
 * thread, so a subscriber must only hand the event on (e.g. {@code context.runOnContext}) and never block; a slow
 * subscriber is the subscriber's problem to bound (the event stream closes a connection whose writes back up).
 * Thread-safe; subscribing is cheap, publishing to no subscriber costs one volatile read.
 */
public final class ChangeFeed {
    private final List<Consumer<ChangeEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Adds a subscriber; the returned handle removes it. */
    public AutoCloseable subscribe(Consumer<ChangeEvent> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** Called by the journal for each change event once it is durable. A failing subscriber does not stop the rest. */
    public void publish(ChangeEvent event) {
        for (Consumer<ChangeEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                subscribers.remove(s);
            }
        }
    }
}

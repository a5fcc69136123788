package io.vigil.peer;

import java.util.ArrayList;
import java.util.List;

/** Records events and errors for assertions; safe to read from the test thread while an event loop writes. */
public final class EventRecorder implements PeerListener {

    private final List<PeerEvent> events = new ArrayList<>();
    private final List<PeerError> errors = new ArrayList<>();

    @Override
    public synchronized void onEvent(PeerEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void onError(PeerError error) {
        errors.add(error);
    }

    public synchronized List<PeerEvent> events() {
        return List.copyOf(events);
    }

    public synchronized List<PeerError> errors() {
        return List.copyOf(errors);
    }

    /** Event names in order, heartbeats included. */
    public synchronized List<EventName> names() {
        return events.stream().map(PeerEvent::eventName).toList();
    }

    /** Event names in order with heartbeats left out: the transitions. */
    public synchronized List<EventName> transitions() {
        return events.stream().map(PeerEvent::eventName).filter(n -> n != EventName.HEARTBEAT).toList();
    }

    /** Transitions about one endpoint id. */
    public synchronized List<EventName> transitionsOf(String endpointId) {
        return events.stream().filter(e -> endpointId.equals(e.endpointId()))
                .map(PeerEvent::eventName).filter(n -> n != EventName.HEARTBEAT).toList();
    }

    public synchronized long count(EventName name) {
        return events.stream().filter(e -> e.eventName() == name).count();
    }

    public synchronized void clear() {
        events.clear();
        errors.clear();
    }

    @Override
    public synchronized String toString() {
        List<String> s = new ArrayList<>();
        events.forEach(e -> s.add(e.eventName().jsonName() + "(" + e.endpointId() + ")"));
        errors.forEach(e -> s.add("error " + e.kind() + ": " + e.message()));
        return s.toString();
    }
}

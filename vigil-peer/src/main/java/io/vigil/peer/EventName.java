package io.vigil.peer;

import com.fasterxml.jackson.annotation.JsonValue;

/** The kinds of {@link PeerEvent}. Their wire/JSON names are the lower-camel names StreamBase uses. */
public enum EventName {
    CONNECTED("connected"),
    HEARTBEAT("heartbeat"),
    TIMEOUT("timeout"),
    DISCONNECTED("disconnected"),
    RECONNECT("reconnect"),
    /** Multicast only: this member's own leadership status changed (the event is about itself). */
    LEADERSHIP("leadership");

    private final String jsonName;

    EventName(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name printed in JSON, e.g. {@code "connected"}. */
    @JsonValue
    public String jsonName() {
        return jsonName;
    }
}

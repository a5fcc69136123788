package io.vigil.engine;

/** Identity of a pushed-heartbeat source. */
public record SourceKey(String eventName, String sourceName) {
    @Override
    public String toString() {
        return eventName + "/" + sourceName;
    }
}

package io.vigil.ingest;

/** The ingest path a heartbeat came through. Detection can be held per channel while it is broken. */
public enum Channel {
    HTTP,
    DMAAP,
    KAFKA,
    PEER
}

package io.vigil.ingest;

/** The ingest path a heartbeat came through. Each has a watermark ({@link Watermarks}): detection of its
 * sources waits for it. */
public enum Channel {
    HTTP,
    DMAAP,
    KAFKA,
    PEER
}

package io.vigil.transport.log;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each change event as one INFO line to the logger {@value #LOGGER_NAME}:
 * {@code event kind=ONSET eventName=… source=… id=… seq=… payload={…}}. Always succeeds, so it never holds up its
 * cursor. Route that logger to its own file or appender to keep an audit trail. Thread-safe.
 */
public final class LogSink implements Sink {

    /** The logger events are written to. */
    public static final String LOGGER_NAME = "vigil.events";

    private final String name;
    private final Logger log;

    /** A log sink named {@code log}. */
    public LogSink() {
        this("log");
    }

    /** @param name unique, stable sink name (the outbox cursor key) */
    public LogSink(String name) {
        this.name = name;
        this.log = LoggerFactory.getLogger(LOGGER_NAME);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        // The payload is compact JSON written by Vigil, so the line stays one line; strip stray line breaks anyway.
        String payload = record.payload().indexOf('\n') < 0 ? record.payload() : record.payload().replace('\n', ' ');
        log.info("event kind={} eventName={} source={} id={} seq={} payload={}",
                record.kind(), record.eventName(), record.sourceName(), record.eventId(), record.seq(), payload);
        return CompletableFuture.completedFuture(null);
    }
}

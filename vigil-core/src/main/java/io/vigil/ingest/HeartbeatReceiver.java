package io.vigil.ingest;

import io.vigil.ves.Heartbeat;
import java.util.concurrent.CompletionStage;

/**
 * What every ingest path (HTTP, DMaaP MR, Kafka, peer) hands heartbeats to. Thread-safe; {@link #accept} is the
 * hot path and never blocks on I/O.
 */
public interface HeartbeatReceiver {

    /**
     * The rules of the door: every channel parses with these ({@code VesParser.parse(body, receiver.limits())}), so a
     * name that breaks them is refused before it gets here. The defaults unless the receiver is configured otherwise.
     */
    default IngestLimits limits() {
        return IngestLimits.DEFAULTS;
    }

    /** Takes one heartbeat that arrived now through {@code channel}. */
    Acceptance accept(Heartbeat heartbeat, Channel channel);

    /**
     * Takes one heartbeat that reached Vigil at {@code arrivedAtMillis} (the receiver's clock, not after now) and is
     * handed over only now, e.g. one of a Message Router answer that took a while to process: its arrival time, not
     * the processing, is what {@code timeBase: arrival} measures. Never earlier than the heartbeat really arrived,
     * or a live source would look silent for longer than it was. The default ignores the time (arrival = now).
     */
    default Acceptance accept(Heartbeat heartbeat, Channel channel, long arrivedAtMillis) {
        return accept(heartbeat, channel);
    }

    /**
     * Completes once every heartbeat accepted before this call is covered by a store checkpoint, i.e. would
     * survive a crash. Ingest paths that acknowledge upstream (Kafka offset commit, MR) wait on it.
     */
    CompletionStage<Void> durable();

    /**
     * The watermarks of this instance's ingest channels: each ingest part registers one and moves it as it proves it
     * has heard its senders. A source's deadline fires only once its channel's watermark has passed it, so a
     * channel that cannot hear (broker down, MR hanging, event loops stalled) raises no ONSET.
     */
    Watermarks watermarks();
}

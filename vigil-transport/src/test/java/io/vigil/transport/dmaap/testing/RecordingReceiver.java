package io.vigil.transport.dmaap.testing;

import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermarks;
import io.vigil.ves.Heartbeat;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HeartbeatReceiver} for ingest tests: records heartbeats in order and keeps the watermarks ingest registers. Heartbeats whose
 * eventName is not in {@code knownEventNames} are answered {@link Acceptance#UNKNOWN_EVENT_NAME} (and not recorded).
 * Thread-safe.
 */
public final class RecordingReceiver implements HeartbeatReceiver {

    /** A heartbeat and the channel it came through. */
    public record Received(Heartbeat heartbeat, Channel channel) {
    }

    private final Set<String> knownEventNames;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Watermarks watermarks = new Watermarks(Clock.systemUTC());

    public RecordingReceiver(Set<String> knownEventNames) {
        this.knownEventNames = Set.copyOf(knownEventNames);
    }

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel) {
        if (!knownEventNames.contains(heartbeat.eventName())) return Acceptance.UNKNOWN_EVENT_NAME;
        received.add(new Received(heartbeat, channel));
        return Acceptance.ACCEPTED;
    }

    @Override
    public CompletionStage<Void> durable() {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Watermarks watermarks() {
        return watermarks;
    }

    /** The channel's watermark, or {@link Long#MAX_VALUE} when no part is registered. */
    public long watermark(Channel channel) {
        return watermarks.of(channel);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Heartbeat> heartbeats() {
        return received.stream().map(Received::heartbeat).toList();
    }

}

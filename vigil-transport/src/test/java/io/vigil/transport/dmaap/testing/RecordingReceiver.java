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

    /**
     * A heartbeat, the channel it came through, the arrival time it was handed with and the receiver's clock when it
     * was handed.
     */
    public record Received(Heartbeat heartbeat, Channel channel, long arrivedAtMillis, long handedAtMillis) {
    }

    private final Set<String> knownEventNames;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Watermarks watermarks = new Watermarks(Clock.systemUTC());

    public RecordingReceiver(Set<String> knownEventNames) {
        this.knownEventNames = Set.copyOf(knownEventNames);
    }

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel) {
        return accept(heartbeat, channel, watermarks.clock().millis());
    }

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel, long arrivedAtMillis) {
        if (!knownEventNames.contains(heartbeat.eventName())) return Acceptance.UNKNOWN_EVENT_NAME;
        received.add(new Received(heartbeat, channel, arrivedAtMillis, watermarks.clock().millis()));
        onAccept.run();
        return Acceptance.ACCEPTED;
    }

    /** Runs after every recorded heartbeat (a test can make processing take time). */
    public RecordingReceiver onAccept(Runnable r) {
        this.onAccept = r;
        return this;
    }

    private volatile Runnable onAccept = () -> { };

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

package io.vigil.transport.dmaap.testing;

import io.vigil.ingest.Acceptance;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ves.Heartbeat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link HeartbeatReceiver} for ingest tests: records heartbeats and hold/resume calls in order. Heartbeats whose
 * eventName is not in {@code knownEventNames} are answered {@link Acceptance#UNKNOWN_EVENT_NAME} (and not recorded).
 * Thread-safe.
 */
public final class RecordingReceiver implements HeartbeatReceiver {

    /** A heartbeat and the channel it came through. */
    public record Received(Heartbeat heartbeat, Channel channel) {
    }

    private final Set<String> knownEventNames;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final List<String> channelCalls = new CopyOnWriteArrayList<>();

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
    public void hold(Channel channel, String reason) {
        channelCalls.add("hold " + channel + ": " + reason);
    }

    @Override
    public void resume(Channel channel) {
        channelCalls.add("resume " + channel);
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Heartbeat> heartbeats() {
        return received.stream().map(Received::heartbeat).toList();
    }

    /** {@code "hold DMAAP: <reason>"} and {@code "resume DMAAP"} entries, in call order. */
    public List<String> channelCalls() {
        return List.copyOf(channelCalls);
    }
}

package io.vigil.transport.kafka.testing;

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
 * A {@link HeartbeatReceiver} for Kafka ingest tests: records heartbeats and keeps the watermarks ingest registers; {@link #durable()}
 * completes only when the test opens the gate ({@link #checkpoint()}), as a store checkpoint would. Heartbeats whose
 * eventName is not in {@code knownEventNames} are answered {@link Acceptance#UNKNOWN_EVENT_NAME}. Thread-safe.
 */
public final class GatedReceiver implements HeartbeatReceiver {
    private final Set<String> knownEventNames;
    private final List<Heartbeat> heartbeats = new CopyOnWriteArrayList<>();
    private final Watermarks watermarks = new Watermarks(Clock.systemUTC());
    private final List<CompletableFuture<Void>> waiting = new CopyOnWriteArrayList<>();
    private volatile boolean autoCheckpoint;

    public GatedReceiver(Set<String> knownEventNames, boolean autoCheckpoint) {
        this.knownEventNames = Set.copyOf(knownEventNames);
        this.autoCheckpoint = autoCheckpoint;
    }

    @Override
    public Acceptance accept(Heartbeat heartbeat, Channel channel) {
        if (!knownEventNames.contains(heartbeat.eventName())) return Acceptance.UNKNOWN_EVENT_NAME;
        heartbeats.add(heartbeat);
        return Acceptance.ACCEPTED;
    }

    @Override
    public CompletionStage<Void> durable() {
        if (autoCheckpoint) return CompletableFuture.completedFuture(null);
        CompletableFuture<Void> f = new CompletableFuture<>();
        waiting.add(f);
        return f;
    }

    /** Completes every pending {@link #durable()} stage, as a finished checkpoint does. */
    public void checkpoint() {
        for (CompletableFuture<Void> f : waiting) {
            waiting.remove(f);
            f.complete(null);
        }
    }

    /** From now on, {@link #durable()} completes at once (true) or waits for {@link #checkpoint()} (false). */
    public void autoCheckpoint(boolean value) {
        autoCheckpoint = value;
        if (value) checkpoint();
    }

    public int pendingCheckpoints() {
        return waiting.size();
    }

    @Override
    public Watermarks watermarks() {
        return watermarks;
    }

    /** The channel's watermark, or {@link Long#MAX_VALUE} when no part is registered. */
    public long watermark(Channel channel) {
        return watermarks.of(channel);
    }

    public List<Heartbeat> heartbeats() {
        return List.copyOf(heartbeats);
    }

    public List<String> sourceNames() {
        return heartbeats.stream().map(Heartbeat::sourceName).toList();
    }

}

package io.vigil.server;

import io.vertx.core.Vertx;
import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.monitor.ClosedLoop;
import io.vigil.monitor.Monitor;
import io.vigil.monitor.TargetType;
import io.vigil.monitor.TimeBase;
import io.vigil.ves.Heartbeat;
import java.time.Duration;

/**
 * The built-in demo for a first run without a config file: source {@code demo-vnf} of eventName
 * {@code Heartbeat_demo} beats every second for 20 s, then falls silent for 10 s, and again: the user sees it go
 * ALIVE → MISSING (ONSET after 3 s of silence) → ALIVE (ABATED) in the log and in {@code vigil sources}.
 */
public final class DemoSource implements AutoCloseable {
    public static final String EVENT_NAME = "Heartbeat_demo";
    static final String SOURCE = "demo-vnf";

    /** The monitor the embedded default runs: 1 s interval, 3 missed heartbeats. */
    public static Monitor monitor() {
        return new Monitor(EVENT_NAME, Duration.ofSeconds(1), 3, TimeBase.EVENT,
                new ClosedLoop("ControlLoop-demo", "demo-restart", "1.0", "demo", TargetType.VNF, "generic-vnf.vnf-name", "1.0"));
    }

    private final Vertx vertx;
    private final long timer;
    private int second;

    private DemoSource(Vertx vertx, HeartbeatReceiver receiver) {
        this.vertx = vertx;
        this.timer = vertx.setPeriodic(1000, id -> {
            if (second++ % 30 < 20) {
                receiver.accept(new Heartbeat(EVENT_NAME, SOURCE, System.currentTimeMillis()), Channel.HTTP);
            }
        });
    }

    static DemoSource start(Vertx vertx, HeartbeatReceiver receiver) {
        return new DemoSource(vertx, receiver);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
    }
}

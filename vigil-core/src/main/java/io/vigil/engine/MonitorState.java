package io.vigil.engine;

import io.vigil.monitor.Monitor;
import java.util.concurrent.ConcurrentHashMap;

/** A monitor and its sources. The monitor may be replaced in place by a reconfiguration (detector thread). */
final class MonitorState {
    volatile Monitor monitor;
    volatile long threshold;
    volatile long grace;
    volatile boolean removed;
    final ConcurrentHashMap<String, Source> sources = new ConcurrentHashMap<>();

    MonitorState(Monitor monitor, long graceOverride) {
        update(monitor, graceOverride);
    }

    void update(Monitor m, long graceOverride) {
        this.monitor = m;
        this.threshold = m.thresholdMillis();
        this.grace = graceOverride >= 0 ? graceOverride : m.heartbeatInterval().toMillis();
    }
}

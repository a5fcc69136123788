package io.vigil.engine;

import io.vigil.detect.Detector;
import io.vigil.detect.DetectionRules;
import io.vigil.monitor.Monitor;
import java.util.concurrent.ConcurrentHashMap;

/** A monitor and its sources. The monitor may be replaced in place by a reconfiguration (detector thread). */
final class MonitorState {
    volatile Monitor monitor;
    /** interval × missed: the ONAP threshold, and the upper bound of every detector's limit. */
    volatile long threshold;
    volatile long interval;
    volatile long grace;
    /**
     * How far lastSeen must move past the value last written to the store before the checkpoint writes it again:
     * half the threshold (see {@link Engine#drainCheckpoint}).
     */
    volatile long rewriteAfter;
    /** The end of ONAP's ONSET reason, " ms > missed x interval ms": one number less to format per ONSET in a storm. */
    volatile String onsetReasonTail;
    volatile Detector detector;
    volatile DetectionRules rules;
    /** True when sources need {@link SourceExtras}. */
    volatile boolean extras;
    volatile boolean removed;
    /** The period drift of this detector's sources was logged (detector thread). */
    boolean driftLogged;
    final ConcurrentHashMap<String, Source> sources = new ConcurrentHashMap<>();

    MonitorState(Monitor monitor, long graceOverride) {
        update(monitor, graceOverride);
    }

    void update(Monitor m, long graceOverride) {
        this.monitor = m;
        this.threshold = m.thresholdMillis();
        this.interval = m.heartbeatInterval().toMillis();
        this.rewriteAfter = Math.max(1, threshold / 2);
        this.onsetReasonTail = " ms > " + m.missedHeartbeats() + " x " + interval + " ms";
        this.grace = graceOverride >= 0 ? graceOverride : m.heartbeatInterval().toMillis();
        this.rules = m.detection();
        this.detector = m.detection().detector().create(interval, threshold);
        this.driftLogged = false;
        this.extras = m.detection().needsSourceState();
    }

    Source newSource(String name) {
        Source s = new Source(name, this);
        if (extras) s.ext = new SourceExtras(detector.initialState());
        return s;
    }
}

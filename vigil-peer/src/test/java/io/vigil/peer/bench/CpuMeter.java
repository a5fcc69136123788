package io.vigil.peer.bench;

import java.lang.management.ManagementFactory;

/** CPU used by this JVM between two calls, as a share of one core. */
final class CpuMeter {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long lastCpu = os.getProcessCpuTime();
    private long lastWall = System.nanoTime();

    /** Cores busy since the last call (1.0 = one core fully used). */
    double sample() {
        long cpu = os.getProcessCpuTime();
        long wall = System.nanoTime();
        double cores = (double) (cpu - lastCpu) / (wall - lastWall);
        lastCpu = cpu;
        lastWall = wall;
        return cores;
    }
}

package io.vigil.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector thread: ticks the engine every {@code periodMillis} (default 2 ms, so a deadline is decided within
 * a few milliseconds of passing). A failure in one tick is logged and the loop goes on.
 *
 * <p><b>Self-pause.</b> Before each tick it measures, on the engine's clock, the time since the previous tick ended.
 * A gap longer than {@link #PAUSE_TOLERANCE_MILLIS} means the detector did not run (a GC pause, a stopped process, a
 * suspended VM, a starved CPU): it is handed to {@link Engine#selfPaused} as blindness of every channel before the
 * tick judges any deadline.
 */
public final class EngineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);

    /** A gap between ticks longer than this is a pause of the detector (the period is 2 ms; the OS may add ~100). */
    public static final long PAUSE_TOLERANCE_MILLIS = 250;

    private final Engine engine;
    private final long periodNanos;
    private final Thread thread;
    private volatile boolean running = true;

    public EngineRunner(Engine engine, long periodMillis) {
        this.engine = engine;
        this.periodNanos = TimeUnit.MILLISECONDS.toNanos(periodMillis);
        this.thread = Thread.ofPlatform().name("vigil-detector").daemon(true).unstarted(this::loop);
    }

    public EngineRunner(Engine engine) {
        this(engine, 2);
    }

    public EngineRunner start() {
        thread.start();
        return this;
    }

    private void loop() {
        java.time.Clock clock = engine.clock();
        long lastEnd = clock.millis();
        while (running) {
            try {
                long now = clock.millis();
                if (now - lastEnd > PAUSE_TOLERANCE_MILLIS) {
                    engine.selfPaused(lastEnd, now);
                    if (now - lastEnd >= 1000) {
                        log.warn("Vigil's detector did not run for {} ms (GC pause, stopped process, suspended VM or starved CPU): "
                                + "that time does not count against any source's silence. If this repeats, check GC logs and CPU steal",
                                now - lastEnd);
                    }
                }
                engine.tick();
            } catch (VirtualMachineError e) {
                throw e; // out of memory: the process ends (FatalErrors, -XX:+ExitOnOutOfMemoryError), it must not limp
            } catch (RuntimeException | Error e) {
                log.error("detector tick failed; detection continues with the next tick. This is a bug: please report it with this trace", e);
            }
            lastEnd = clock.millis();
            LockSupport.parkNanos(periodNanos);
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

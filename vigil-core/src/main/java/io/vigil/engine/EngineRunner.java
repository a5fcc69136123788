package io.vigil.engine;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector thread: ticks the engine every {@code periodMillis} (default 2 ms, so a deadline is decided within
 * a few milliseconds of passing). A failure in one tick is logged and the loop goes on.
 */
public final class EngineRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EngineRunner.class);

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
        while (running) {
            try {
                engine.tick();
            } catch (RuntimeException | Error e) {
                log.error("detector tick failed; detection continues with the next tick. This is a bug: please report it with this trace", e);
            }
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

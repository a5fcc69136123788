package io.vigil.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The lines one logger writes while a test runs, at INFO and above unless the test lowers the level: open it before
 * the code under test logs, read {@link #lines()}, close it after (the logger gets its level back).
 */
public final class CapturedLog implements AutoCloseable {
    private final Logger logger;
    private final Level levelBefore;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(Logger logger) {
        this.logger = logger;
        this.levelBefore = logger.getLevel();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    /** Captures the logger of {@code type} (what {@code LoggerFactory.getLogger(type)} gives its code). */
    public static CapturedLog of(Class<?> type) {
        return new CapturedLog((Logger) LoggerFactory.getLogger(type));
    }

    /** Captures the logger named {@code name}. */
    public static CapturedLog of(String name) {
        return new CapturedLog((Logger) LoggerFactory.getLogger(name));
    }

    /** The captured logger, to hand to code that takes one, or to lower its level. */
    public Logger logger() {
        return logger;
    }

    /** Every captured line, formatted, in order. */
    public List<String> lines() {
        return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** The captured lines of {@code level}, formatted, in order. */
    public List<String> lines(Level level) {
        return events().stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** A copy of what was captured so far; other threads may be logging (the appender appends under its own lock). */
    private List<ILoggingEvent> events() {
        synchronized (appender) {
            return List.copyOf(appender.list);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(levelBefore);
    }
}

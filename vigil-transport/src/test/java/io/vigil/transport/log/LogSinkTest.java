package io.vigil.transport.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.delivery.OutboxRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSinkTest {

    @Test
    void writesEachEventAsOneInfoLineAndAlwaysSucceeds() {
        Logger logger = (Logger) LoggerFactory.getLogger(LogSink.LOGGER_NAME);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        try {
            OutboxRecord record = new OutboxRecord(3, "req-3", "Heartbeat_vDNS", "vnf-3", "ONSET", "{\"a\":\n1}", 0);

            assertThat(new LogSink().deliver(record).toCompletableFuture()).isCompleted().isNotCompletedExceptionally();

            assertThat(appender.list).singleElement().satisfies(e -> {
                assertThat(e.getLevel()).isEqualTo(Level.INFO);
                assertThat(e.getFormattedMessage())
                        .isEqualTo("event kind=ONSET eventName=Heartbeat_vDNS source=vnf-3 id=req-3 seq=3 payload={\"a\": 1}")
                        .doesNotContain("\n");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }
}

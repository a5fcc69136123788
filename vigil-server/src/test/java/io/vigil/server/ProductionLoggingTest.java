package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The logging configuration the server ships with ({@code logback.xml}), loaded as it is at startup. */
class ProductionLoggingTest {

    private static LoggerContext shipped() throws Exception {
        URL config = ProductionLoggingTest.class.getResource("/logback.xml");
        assertThat(config).as("logback.xml on the server's classpath").isNotNull();
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        return context;
    }

    @Test
    void vigilLogsAtInfoAndLibrariesOnlyWarnings() throws Exception {
        LoggerContext context = shipped();
        assertThat(context.getLogger("io.vigil.server.VigilServer").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.netty.channel.DefaultChannelPipeline").getEffectiveLevel()).isEqualTo(Level.WARN);
        context.stop();
    }

    @Test
    void aBrokerOutageDoesNotLogEveryReconnectAttempt() throws Exception {
        LoggerContext context = shipped();
        // the client's per-attempt "Connection to node … could not be established" WARN; Vigil's IngestWatch and the
        // relays report the outage instead, once, with what to check
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").isEnabledFor(Level.WARN)).isFalse();
        assertThat(context.getLogger("org.apache.kafka.clients.NetworkClient").isEnabledFor(Level.ERROR)).isTrue();
        context.stop();
    }
}

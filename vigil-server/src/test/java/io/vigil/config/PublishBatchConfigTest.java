package io.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code publish[].batch: {maxEvents, maxDelay}}: opt-in for webhooks, the Message Router's default otherwise. */
class PublishBatchConfigTest {

    private static List<PublishTarget> publish(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml").publish();
    }

    @Test
    void theTypeIsReadOnceAsAPublishTypeInAnyCase() throws ConfigException {
        List<PublishTarget> targets = publish("""
                publish:
                  - {type: Kafka, bootstrapServers: 'k:9092', topic: t}
                  - {type: LOG}
                  - {type: dmaap, url: 'http://mr:3904/events/OUT'}
                  - {type: webhook, url: 'http://hooks:8080/one'}
                """);
        assertThat(targets).extracting(PublishTarget::type)
                .containsExactly(PublishType.KAFKA, PublishType.LOG, PublishType.DMAAP, PublishType.WEBHOOK);
        assertThat(targets).extracting(t -> t.type().wire()).containsExactly("kafka", "log", "dmaap", "webhook");
    }

    @Test
    void aWebhookPostsOneObjectPerEventUnlessItAsksForBatches() throws ConfigException {
        List<PublishTarget> targets = publish("""
                publish:
                  - {type: webhook, url: 'http://hooks:8080/one'}
                  - {type: webhook, url: 'http://hooks:8080/many', batch: {maxEvents: 500, maxDelay: 20ms}}
                  - {type: webhook, url: 'http://hooks:8080/now', batch: {maxEvents: 50}}
                """);

        assertThat(((PublishTarget.Webhook) targets.get(0)).batch()).isEmpty();
        assertThat(((PublishTarget.Webhook) targets.get(1)).batch()).contains(new PublishTarget.Batch(500, Duration.ofMillis(20)));
        assertThat(((PublishTarget.Webhook) targets.get(2)).batch()).contains(new PublishTarget.Batch(50, Duration.ZERO));
    }

    @Test
    void theMessageRouterBatchesByDefaultAndTakesTheSameSettings() throws ConfigException {
        List<PublishTarget> targets = publish("""
                publish:
                  - {type: dmaap, url: 'http://mr:3904/events/OUT'}
                  - {type: dmaap, url: 'http://mr:3904/events/OUT2', batch: {maxEvents: 1}}
                """);

        assertThat(((PublishTarget.Dmaap) targets.get(0)).batch()).isEqualTo(PublishTarget.Batch.MESSAGE_ROUTER_DEFAULT);
        assertThat(((PublishTarget.Dmaap) targets.get(1)).batch().maxEvents()).as("one event per publish, as before").isEqualTo(1);
    }

    @Test
    void theNormalizedFormShowsAWebhooksBatchSoThatAReloadNoticesIt() throws ConfigException {
        VigilConfig c = ConfigLoader.parse("publish: [{type: webhook, url: 'http://h/x', batch: {maxEvents: 10, maxDelay: 5ms}}]\n", "t.yaml");
        assertThat(ConfigJson.toTree(c, false).path("publish").path(0).path("batch").path("maxEvents").asInt()).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            publish: [{type: webhook, url: 'http://h/x', batch: {maxDelay: 5ms}}]                  | publish[0].batch.maxEvents: required in batch: the most events per request, e.g. 500
            publish: [{type: webhook, url: 'http://h/x', batch: {maxEvents: 0}}]                   | publish[0].batch.maxEvents: must be an integer from 1 to 10000 (got "0")
            publish: [{type: webhook, url: 'http://h/x', batch: {maxEvents: 5, maxDelay: -1s}}]    | publish[0].batch.maxDelay: must be a duration of 0 or more like 0s, 500ms, 2s, 5m (got "-1s")
            publish: [{type: webhook, url: 'http://h/x', batch: 500}]                              | publish[0].batch: must be a mapping of keys (got "500")
            """)
    void badBatchSettingsAreNamedWithTheirPath(String yaml, String error) {
        assertThat(ConfigErrors.of(yaml + "\n")).containsExactly(error);
    }

    @Test
    void batchIsNotAKeyOfKafkaOrLogTargets() {
        assertThat(ConfigErrors.of("publish: [{type: kafka, bootstrapServers: 'k:9092', topic: t, batch: {maxEvents: 5}}]\n"))
                .singleElement().asString().startsWith("publish[0].batch:");
    }
}

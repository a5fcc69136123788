package io.vigil.kafka;

import io.vigil.transport.kafka.testing.VesRecords;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sources that publish VES heartbeats to a Kafka topic every {@code periodMillis}: one {@code eventList} record
 * holding a heartbeat of every live source, and one single {@code event} record for the first one (both forms in
 * flight). {@link #silence} stops a source. Sends that fail (the broker is down) are counted, not retried: a real
 * source's heartbeat during an outage is lost too. Every send's result is checked (see STACK.md on lost records).
 */
final class HeartbeatFleet implements AutoCloseable {
    private final String topic;
    private final String eventName;
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final KafkaProducer<String, String> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("test-fleet").daemon(true).unstarted(r));
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    HeartbeatFleet(String bootstrapServers, String topic, String eventName, List<String> sources, long periodMillis) {
        this.topic = topic;
        this.eventName = eventName;
        live.addAll(sources);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // During a broker outage a heartbeat is given up quickly instead of queueing for minutes.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1500");
        producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        timer.scheduleAtFixedRate(this::beat, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    void silence(String source) {
        live.remove(source);
    }

    void revive(String source) {
        live.add(source);
    }

    private void beat() {
        List<String> now = live.stream().sorted().toList();
        if (now.isEmpty()) return;
        send(VesRecords.eventList(eventName, now));
        send(VesRecords.event(eventName, now.getFirst()));
    }

    private void send(String value) {
        try {
            producer.send(new ProducerRecord<>(topic, value), (md, error) -> (error == null ? acknowledged : failed).incrementAndGet());
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(java.time.Duration.ofSeconds(2));
    }
}

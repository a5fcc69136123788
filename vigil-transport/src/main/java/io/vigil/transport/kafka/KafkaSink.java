package io.vigil.transport.kafka;

import io.vigil.delivery.OutboxRecord;
import io.vigil.delivery.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes change events to a Kafka topic: one record per outbox record, key = {@code sourceName} (so that the
 * events of one source land in one partition, in order), value = the outbox payload unchanged (the ONAP control-loop
 * JSON), headers {@value #EVENT_ID_HEADER} (the stable event id receivers deduplicate on) and {@value #KIND_HEADER}.
 *
 * <p><b>Acknowledgement.</b> {@link #deliver} completes only when the producer's send callback reports the record
 * written to all in-sync replicas ({@code acks=all}); any error completes it exceptionally and the relay retries.
 * The producer is idempotent with one request in flight per connection: with more in flight, records were seen lost
 * under load right after topic creation (KAFKA-15591, measured in STACK.md). These three settings are enforced over
 * the pass-through client properties.
 *
 * <p><b>Batching.</b> The relay hands up to {@value #MAX_BATCH} records per call (what gathered while the previous
 * call was in flight); the producer groups them into requests per broker ({@code linger.ms} 2, {@code batch.size}
 * 256 KiB unless configured), so a storm goes out in a few large requests while every source keeps its order (one
 * partition per key, idempotent sequence numbers).
 *
 * <p><b>Outage.</b> While the broker is down the producer buffers and retries the record until
 * {@code delivery.timeout.ms} (Kafka's default 120 s); then the stage fails and the relay retries it with backoff, so
 * an outage of minutes loses nothing. A record whose acknowledgement was lost may be written twice: receivers remove
 * the copy by its {@value #EVENT_ID_HEADER} header.
 *
 * <p>Thread-safe. {@link #close()} waits up to 5 s for records in flight.
 */
public final class KafkaSink implements Sink {

    /** Header carrying {@link OutboxRecord#eventId()}. */
    public static final String EVENT_ID_HEADER = "eventId";
    /** Header carrying {@link OutboxRecord#kind()} (ONSET, ABATED …). */
    public static final String KIND_HEADER = "kind";

    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Records handed to the producer per relay call. One call at a time ({@link Sink#maxInFlight()} stays 1), and
     * within a call two events of one source are never handed together ({@link #deliverBatch}): a source's events
     * reach the topic in outbox order, and a failed call is sent again before anything after it.
     */
    static final int MAX_BATCH = 2000;
    /** Producer batching defaults (overridable): wait up to 2 ms to fill a request, up to 256 KiB per partition. */
    static final String DEFAULT_LINGER_MS = "2";
    static final String DEFAULT_BATCH_SIZE = String.valueOf(256 * 1024);

    private final String name;
    private final String topic;
    private final Producer<String, String> producer;
    private final LongConsumer deliveredLatencyNanos;

    /**
     * @param name                  unique, stable sink name (the outbox cursor key)
     * @param bootstrapServers      {@code host:port[,host:port…]}
     * @param topic                 where events go, e.g. {@code unauthenticated.DCAE_CL_OUTPUT}
     * @param clientProperties      Kafka producer properties passed through (SASL, TLS, timeouts …); the
     *                              delivery-safety settings above win over them
     * @param deliveredLatencyNanos told the send-to-acknowledgement time of every delivered record (metrics)
     */
    public KafkaSink(String name, String bootstrapServers, String topic, Map<String, String> clientProperties,
                     LongConsumer deliveredLatencyNanos) {
        this(name, topic, sinkProperties(bootstrapServers, clientProperties, "vigil-sink"), deliveredLatencyNanos);
    }

    private KafkaSink(String name, String topic, Properties producerProperties, LongConsumer deliveredLatencyNanos) {
        this.name = Objects.requireNonNull(name, "name");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.deliveredLatencyNanos = deliveredLatencyNanos == null ? x -> { } : deliveredLatencyNanos;
        this.producer = new KafkaProducer<>(producerProperties, new StringSerializer(), new StringSerializer());
        // warm up now, not at the first alarm: the topic's metadata (and the connection to the cluster) costs the
        // first send hundreds of milliseconds otherwise, typically the first ONSET after a restart
        Thread.ofVirtual().name("vigil-kafka-sink-warmup-" + name).start(this::warmUp);
    }

    private volatile boolean warmedUp;

    private void warmUp() {
        try {
            producer.partitionsFor(topic);
            warmedUp = true;
        } catch (RuntimeException e) {
            // the brokers or the topic are not there yet: the first delivery waits for them and the relay retries
            log.debug("Kafka sink {}: no metadata for topic {} at start ({}); the first delivery fetches it", name, topic, e.toString());
        }
    }

    /** True once the topic's metadata was fetched at start (before any delivery needed it). */
    boolean warmedUp() {
        return warmedUp;
    }

    /**
     * Producer properties for delivery that loses nothing: the pass-through properties, then idempotence,
     * {@code acks=all} and one request in flight enforced (a conflicting user value is overridden with a warning).
     */
    public static Properties producerProperties(String bootstrapServers, Map<String, String> clientProperties, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // send() must not stall the relay thread for a minute when metadata is unavailable: fail, let the relay retry.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        clientProperties.forEach((k, v) -> {
            if (ProducerConfig.configNames().contains(k)) p.put(k, v);
        });
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        enforce(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        enforce(p, ProducerConfig.ACKS_CONFIG, "all");
        enforce(p, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return p;
    }

    /**
     * A sink for the alarm path's warm-up ({@code detection.warmUp}): made as a configured sink is, with the same
     * delivery settings and the user's properties that shape the records and requests ({@link #shapesRecords}:
     * batching, compression, buffer and request sizes), under a client id of its own, producing to {@code broker} and
     * nowhere else. Everything else the user set is left out: security settings (the stand-in speaks plain text) and
     * anything that could carry the synthetic records or the client's metrics elsewhere (interceptors, metric
     * reporters, a transactional id). {@code deliveredLatencyNanos} should be of the configured sink's class (its
     * call is compiled in the warm-up; null: none).
     */
    public static KafkaSink forWarmUp(String name, LoopbackKafkaBroker broker, String topic, Map<String, String> clientProperties,
                                      LongConsumer deliveredLatencyNanos) {
        Map<String, String> shaping = new java.util.HashMap<>();
        clientProperties.forEach((k, v) -> {
            if (shapesRecords(k)) shaping.put(k, v);
        });
        return new KafkaSink(name, topic, sinkProperties(broker.bootstrapServers(), shaping, "vigil-warm-up-" + name),
                deliveredLatencyNanos);
    }

    /** Producer properties the warm-up's sink takes from the configured one. */
    static boolean shapesRecords(String key) {
        return key.startsWith("batch.") || key.startsWith("linger.") || key.startsWith("compression.")
                || key.equals(ProducerConfig.BUFFER_MEMORY_CONFIG) || key.equals(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }

    /** The sink's producer: {@link #producerProperties} with the batching defaults under the user's properties. */
    static Properties sinkProperties(String bootstrapServers, Map<String, String> clientProperties) {
        return sinkProperties(bootstrapServers, clientProperties, "vigil-sink");
    }

    private static Properties sinkProperties(String bootstrapServers, Map<String, String> clientProperties, String clientId) {
        Map<String, String> withBatching = new java.util.HashMap<>();
        withBatching.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
        withBatching.put(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
        withBatching.putAll(clientProperties); // the user's linger.ms / batch.size win
        return producerProperties(bootstrapServers, withBatching, clientId);
    }

    private static void enforce(Properties p, String key, String value) {
        Object given = p.put(key, value);
        if (given != null && !given.toString().equals(value) && !("-1".equals(given) && "all".equals(value))) {
            log.warn("Kafka property {}={} ignored: Vigil needs {}={} so that no change event is lost or reordered", key, given, key, value);
        }
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Hands the records to the producer (it batches them per partition, {@code linger.ms} / {@code batch.size}) in
     * runs in which every source appears at most once, one run after the other is acknowledged; completes when all
     * are acknowledged, or with the first error (the relay then sends the whole batch again: the records that did get
     * through are written twice, and receivers drop the copies by their {@value #EVENT_ID_HEADER} header).
     *
     * <p>Why runs: records handed together can reach the topic out of order when the broker is away, because the
     * producer expires a waiting batch ({@code delivery.timeout.ms}) while a later one may still get through once the
     * broker is back. Two events of one source (an ONSET and its ABATED) are never handed together, so a source's
     * events never overtake each other. Events of different sources may; in a storm, where every source has one
     * event, the whole batch is one run.
     */
    @Override
    public CompletionStage<Void> deliverBatch(List<OutboxRecord> records) {
        if (records.size() == 1) return deliver(records.getFirst());
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (List<OutboxRecord> each : runs(records)) chain = chain.thenCompose(v -> sendAll(each));
        return chain;
    }

    /** {@code records} cut, in order, into runs in which no source appears twice. */
    static List<List<OutboxRecord>> runs(List<OutboxRecord> records) {
        List<List<OutboxRecord>> runs = new java.util.ArrayList<>();
        java.util.Set<String> inRun = new java.util.HashSet<>();
        List<OutboxRecord> run = new java.util.ArrayList<>();
        for (OutboxRecord r : records) {
            if (!inRun.add(r.sourceName())) {
                runs.add(run);
                run = new java.util.ArrayList<>();
                inRun.clear();
                inRun.add(r.sourceName());
            }
            run.add(r);
        }
        runs.add(run);
        return runs;
    }

    private CompletableFuture<Void> sendAll(List<OutboxRecord> records) {
        CompletableFuture<?>[] each = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < each.length; i++) each[i] = deliver(records.get(i)).toCompletableFuture();
        return CompletableFuture.allOf(each);
    }

    @Override
    public int maxBatch() {
        return MAX_BATCH;
    }

    @Override
    public CompletionStage<Void> deliver(OutboxRecord record) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        List<Header> headers = List.of(
                new RecordHeader(EVENT_ID_HEADER, record.eventId().getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(KIND_HEADER, record.kind().getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<String, String> out = new ProducerRecord<>(topic, null, record.sourceName(), record.payload(), headers);
        long start = System.nanoTime();
        try {
            producer.send(out, (metadata, error) -> {
                if (error != null) {
                    done.completeExceptionally(error);
                } else {
                    deliveredLatencyNanos.accept(System.nanoTime() - start);
                    done.complete(null);
                }
            });
        } catch (RuntimeException e) { // closed producer, serialization: fail the stage, the relay retries
            done.completeExceptionally(e);
        }
        return done;
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    @Override
    public String toString() {
        return "KafkaSink[" + name + " -> " + topic + "]";
    }
}

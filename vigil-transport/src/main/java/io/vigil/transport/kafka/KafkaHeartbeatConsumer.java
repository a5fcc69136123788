package io.vigil.transport.kafka;

import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes VES heartbeats from Kafka topics and hands them to a {@link HeartbeatReceiver} on {@link Channel#KAFKA}.
 * A record's value is one VES body: {@code {"event":{…}}} or an {@code {"eventList":[…]}} batch; keys are ignored.
 *
 * <p><b>Offsets: re-read rather than lose.</b> Auto-commit is off. After each poll the consumer notes, per partition,
 * the offset after the last record it processed, then asks {@link HeartbeatReceiver#durable()} for a checkpoint that
 * covers them (one request at a time; offsets of later polls wait for the next one). When the checkpoint completes
 * the offsets are handed back to the poll thread (the Kafka consumer is not thread-safe) and committed with
 * {@code commitAsync}. The poll loop never waits for the store. So a crash or restart re-reads at most the records
 * since the last completed checkpoint; a re-read heartbeat is harmless (lastSeen never moves backwards). On a
 * rebalance, offsets already checkpointed are committed synchronously before the partitions go; the rest are re-read
 * by the next owner. Records whose eventName has no monitor, or whose source this instance does not own, count as
 * processed: they are dropped on purpose.
 *
 * <p><b>Poison records.</b> A record whose value is not JSON, not a VES body, empty, or holds no usable event is
 * counted ({@link #poisonRecords()}), logged with its topic, partition and offset (throttled), copied to the
 * dead-letter topic when one is configured (original key, value and headers plus {@code vigil.dead-letter.*}
 * headers naming the origin and reason), and skipped: it never stalls its partition. Its offset is committed only
 * after the dead-letter copy was acknowledged or finally failed (logged at ERROR). Single bad events inside an
 * otherwise usable batch are counted ({@link #invalidEvents()}) and skipped; the batch's good events are kept.
 *
 * <p><b>Outage.</b> The channel is <i>held</i> ({@link HeartbeatReceiver#hold}, once) when, for
 * {@link KafkaIngestSettings#holdAfter()}, the consumer either had no partitions assigned (group rebalancing, or it
 * lost its partitions) or got no fetch answer from the broker (unreachable; an idle broker still answers every
 * {@code fetch.max.wait.ms}). It is resumed ({@link HeartbeatReceiver#resume}, once) as soon as partitions are assigned
 * and fetches are answered again, whether or not records arrive: a source that died during the outage then gets its
 * ONSET after the grace period. Until the consumer first works, the allowance is at least 10 s, because joining the
 * group takes seconds on a real cluster (sources restored after a restart are covered by the engine's grace).
 *
 * <p><b>Partition ownership</b> (active-active, only when constructed with a {@link PartitionOwnership}): the
 * ownership is told about every assignment and revocation from inside the rebalance callbacks, before offsets are
 * committed, so the old owner has stopped emitting and checkpointed before the next owner starts. Offsets whose
 * checkpoint was requested before a rebalance are not committed after it (they are re-read, never lost). A
 * heartbeat the receiver answers {@link io.vigil.ingest.Acceptance#NOT_OWNER} that belongs to another partition
 * ({@link SourcePartitioner}) arrived on the wrong partition (its producer did not key it by sourceName): the
 * record is <i>forwarded</i>, copied unchanged to each partition its misrouted heartbeats belong to, with header
 * {@code vigil.forwarded} so that it is never forwarded twice, and its offset is committed only once the copies are
 * acknowledged ({@link #forwarded()}). Having no partitions is normal here (more members than partitions) and
 * does not hold the channel.
 *
 * <p><b>Threading.</b> One platform thread ({@code vigil-kafka-ingest}) owns the Kafka consumer and calls
 * {@link HeartbeatReceiver#accept} (non-blocking by contract). Getters are thread-safe.
 */
public final class KafkaHeartbeatConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaHeartbeatConsumer.class);
    /** Log the first few bad records individually, then every Nth: a topic full of garbage must not flood the log. */
    private static final long LOG_FIRST_BAD = 10;
    private static final long LOG_EVERY_NTH_BAD = 1000;
    private static final long LAG_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long STARTUP_HOLD_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Header on a record copied to its sourceName's partition by {@link #forward}. */
    public static final String FORWARDED_HEADER = "vigil.forwarded";

    private final HeartbeatReceiver receiver;
    private final KafkaIngestSettings settings;
    private final PartitionOwnership ownership;
    private final Thread thread;
    private volatile boolean closing;

    // Confined to the poll thread.
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> deadLetters;
    private KafkaProducer<byte[], byte[]> forwarder;
    /** Partitions of the topic (partition mode), read at every assignment. */
    private int partitionCount;
    /** Rebalances seen (partition mode): checkpoint offsets requested before one are not committed after it. */
    private long rebalances;
    private Metric fetchTotal;
    private double lastFetchTotal = -1;
    private long lastHealthyNanos;
    private boolean everHealthy;
    private String unhealthyReason = "starting";
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final List<CompletableFuture<?>> deadLetterSends = new ArrayList<>();
    private boolean durableInFlight;
    private long lastLagNanos;
    private long rateWindowStartNanos;
    private long rateWindowStartRecords;

    /** Checkpoint-covered offsets handed from the completing thread to the poll thread. */
    private final ConcurrentLinkedQueue<DurableOffsets> durableDone = new ConcurrentLinkedQueue<>();

    private record DurableOffsets(Map<TopicPartition, OffsetAndMetadata> offsets, Throwable error, long rebalances) {
    }

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unknownEventName = new AtomicLong();
    private final AtomicLong notOwner = new AtomicLong();
    private final AtomicLong sourceLimit = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong rebalanceCount = new AtomicLong();
    private final AtomicLong poison = new AtomicLong();
    private final AtomicLong invalidEvents = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong deadLetterFailures = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitFailures = new AtomicLong();
    private final AtomicLong pollErrors = new AtomicLong();
    private volatile long lag;
    private volatile double recordsPerSecond;
    private volatile boolean held;
    private volatile int assignedPartitions;

    /**
     * @param receiver where heartbeats go
     * @param settings brokers, topics, group and tuning
     */
    public KafkaHeartbeatConsumer(HeartbeatReceiver receiver, KafkaIngestSettings settings) {
        this(receiver, settings, null);
    }

    /**
     * @param ownership told about assignments and revocations (active-active over partitions); null for a
     *                  consumer that detects every source it reads. Needs exactly one topic.
     */
    public KafkaHeartbeatConsumer(HeartbeatReceiver receiver, KafkaIngestSettings settings, PartitionOwnership ownership) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (ownership != null && settings.topics().size() != 1) {
            throw new IllegalArgumentException("partition ownership needs exactly one heartbeat topic, got " + settings.topics());
        }
        this.ownership = ownership;
        this.thread = Thread.ofPlatform().name("vigil-kafka-ingest").daemon(true).unstarted(this::run);
    }

    /** Starts consuming. Call once. */
    public synchronized KafkaHeartbeatConsumer start() {
        if (thread.getState() != Thread.State.NEW) throw new IllegalStateException("Kafka consumer already started");
        // Created here, not on the thread, so that a bad property fails start() with Kafka's message.
        consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        if (settings.deadLetterTopic().isPresent()) {
            deadLetters = new KafkaProducer<>(KafkaSink.producerProperties(settings.bootstrapServers(), settings.clientProperties(),
                    "vigil-dead-letters"), new ByteArraySerializer(), new ByteArraySerializer());
        }
        if (ownership != null) {
            forwarder = new KafkaProducer<>(KafkaSink.producerProperties(settings.bootstrapServers(), settings.clientProperties(),
                    "vigil-forwarder"), new ByteArraySerializer(), new ByteArraySerializer());
        }
        thread.start();
        log.info("Consuming VES heartbeats from Kafka {} topics {} as group {}", settings.bootstrapServers(), settings.topics(), settings.groupId());
        return this;
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-ingest");
        // A new group reads what is already on the topic: losing heartbeats is worse than reading old ones.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.putAll(settings.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        Object auto = p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (auto != null && !"false".equals(auto.toString())) {
            log.warn("Kafka property enable.auto.commit={} ignored: Vigil commits offsets itself once heartbeats are checkpointed", auto);
        }
        return p;
    }

    // ------------------------------------------------------------------ poll thread

    private void run() {
        try {
            consumer.subscribe(settings.topics(), new Rebalance());
            fetchTotal = findMetric("fetch-total", "consumer-fetch-manager-metrics");
            lastHealthyNanos = System.nanoTime();
            rateWindowStartNanos = lastHealthyNanos;
            while (!closing) {
                commitDurable();
                ConsumerRecords<byte[], byte[]> batch;
                try {
                    batch = consumer.poll(settings.pollTimeout());
                } catch (WakeupException e) {
                    continue; // close() woke us
                } catch (KafkaException e) {
                    // Authorisation, unknown topic under strict settings …: keep going, the hold rule reports it.
                    pollErrors.incrementAndGet();
                    unhealthyReason = "poll failed: " + e;
                    if (pollErrors.get() == 1 || pollErrors.get() % 100 == 0) log.warn("Kafka poll failed ({} so far): {}", pollErrors.get(), e.toString());
                    checkHealth(false);
                    pause();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) process(r);
                requestDurable();
                checkHealth(!batch.isEmpty());
                measure();
            }
            finish();
        } catch (Throwable t) {
            log.error("Kafka ingest stopped by an unexpected error; heartbeats from Kafka are no longer read. Restart Vigil.", t);
            receiver.hold(Channel.KAFKA, "Kafka ingest stopped: " + t);
            held = true;
        } finally {
            closeClients();
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> r) {
        records.incrementAndGet();
        processed.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        byte[] value = r.value();
        if (value == null || value.length == 0) {
            poison(r, "empty value");
            return;
        }
        VesBatch batch;
        try {
            batch = VesParser.parse(value, receiver.limits());
        } catch (VesFormatException e) {
            poison(r, e.getMessage());
            return;
        }
        if (batch.heartbeats().isEmpty()) {
            poison(r, batch.rejected().isEmpty() ? "empty eventList" : "no usable event: " + batch.rejected().getFirst().reason());
            return;
        }
        Map<Integer, String> forwardTo = null;
        for (Heartbeat hb : batch.heartbeats()) {
            try {
                switch (receiver.accept(hb, Channel.KAFKA)) {
                    case ACCEPTED -> accepted.incrementAndGet();
                    case UNKNOWN_EVENT_NAME -> unknownEventName.incrementAndGet();
                    case SOURCE_LIMIT -> sourceLimit.incrementAndGet();
                    case NOT_OWNER -> {
                        notOwner.incrementAndGet();
                        int home = misroutedTo(r, hb);
                        if (home >= 0) {
                            if (forwardTo == null) forwardTo = new java.util.TreeMap<>();
                            forwardTo.putIfAbsent(home, hb.sourceName());
                        }
                    }
                }
            } catch (RuntimeException e) { // a receiver bug: counted and logged, never kills the loop
                invalid(r, "receiver failed on a heartbeat: " + e);
            }
        }
        for (VesBatch.Rejected rejected : batch.rejected()) invalid(r, rejected.reason());
        if (forwardTo != null) forwardTo.forEach((partition, source) -> forward(r, partition, source));
    }

    /** The partition {@code hb} belongs to when it came on another one and was not forwarded already; else -1. */
    private int misroutedTo(ConsumerRecord<byte[], byte[]> r, Heartbeat hb) {
        if (ownership == null || partitionCount <= 0 || r.headers().lastHeader(FORWARDED_HEADER) != null) return -1;
        int home = SourcePartitioner.partitionOf(hb.sourceName(), partitionCount);
        return home == r.partition() ? -1 : home;
    }

    /**
     * Copies a record holding heartbeats of another partition's sources to that partition, keyed by one of those
     * sourceNames; the owner there takes its own sources and drops the others (they get their own copies).
     */
    private void forward(ConsumerRecord<byte[], byte[]> r, int partition, String sourceName) {
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(r.topic(), partition, utf8(sourceName), r.value(), r.headers());
        copy.headers().add(new RecordHeader(FORWARDED_HEADER, utf8(r.partition() + "@" + r.offset())));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            forwarder.send(copy, (md, error) -> {
                if (error == null) {
                    forwarded.incrementAndGet();
                    sent.complete(null);
                } else {
                    sent.completeExceptionally(error); // the offset is not committed: re-read and forwarded again
                }
            });
        } catch (RuntimeException e) {
            sent.completeExceptionally(e);
        }
        deadLetterSends.add(sent);
    }

    private void poison(ConsumerRecord<byte[], byte[]> r, String reason) {
        long n = poison.incrementAndGet();
        if (n <= LOG_FIRST_BAD || n % LOG_EVERY_NTH_BAD == 0) {
            log.warn("Skipped a poison Kafka record ({} so far) at {}-{} offset {}: {}{}", n, r.topic(), r.partition(), r.offset(), reason,
                    deadLetters == null ? "" : "; copied to " + settings.deadLetterTopic().get());
        }
        if (deadLetters == null) return;
        ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(settings.deadLetterTopic().get(), null, r.key(), r.value(), r.headers());
        copy.headers().add(new RecordHeader("vigil.dead-letter.topic", utf8(r.topic())));
        copy.headers().add(new RecordHeader("vigil.dead-letter.partition", utf8(Integer.toString(r.partition()))));
        copy.headers().add(new RecordHeader("vigil.dead-letter.offset", utf8(Long.toString(r.offset()))));
        copy.headers().add(new RecordHeader("vigil.dead-letter.reason", utf8(reason)));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            deadLetters.send(copy, (md, error) -> {
                if (error == null) {
                    deadLettered.incrementAndGet();
                } else {
                    deadLetterFailures.incrementAndGet();
                    log.error("Could not copy the poison record {}-{} offset {} to {}: {}; it is skipped anyway", r.topic(), r.partition(),
                            r.offset(), settings.deadLetterTopic().get(), error.toString());
                }
                sent.complete(null);
            });
        } catch (RuntimeException e) {
            deadLetterFailures.incrementAndGet();
            log.error("Could not copy the poison record {}-{} offset {} to {}: {}", r.topic(), r.partition(), r.offset(),
                    settings.deadLetterTopic().get(), e.toString());
            sent.complete(null);
        }
        deadLetterSends.add(sent);
    }

    private void invalid(ConsumerRecord<byte[], byte[]> r, String reason) {
        long n = invalidEvents.incrementAndGet();
        if (n <= LOG_FIRST_BAD || n % LOG_EVERY_NTH_BAD == 0) {
            log.warn("Skipped an invalid event ({} so far) in Kafka record {}-{} offset {}: {}", n, r.topic(), r.partition(), r.offset(), reason);
        }
    }

    /** Asks for a checkpoint covering everything processed so far, unless one is already pending. */
    private void requestDurable() {
        if (durableInFlight || processed.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(processed);
        processed.clear();
        List<CompletableFuture<?>> waitFor = new ArrayList<>(deadLetterSends);
        deadLetterSends.clear();
        waitFor.add(receiver.durable().toCompletableFuture());
        durableInFlight = true;
        long epochOfRequest = rebalances;
        CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new))
                .whenComplete((v, error) -> durableDone.add(new DurableOffsets(offsets, error, epochOfRequest)));
    }

    /** Commits the offsets whose checkpoint completed, for the partitions still assigned. */
    private void commitDurable() {
        DurableOffsets done;
        while ((done = durableDone.poll()) != null) {
            durableInFlight = false;
            if (done.error() != null) {
                log.warn("Checkpoint for Kafka offsets failed ({}); retrying with the next one", done.error().toString());
                done.offsets().forEach(processed::putIfAbsent); // later offsets of the same partition win
                continue;
            }
            // partition mode: a rebalance in between may have dropped those heartbeats with the partition's state
            if (ownership != null && done.rebalances() != rebalances) continue;
            Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(done.offsets());
            if (commit.isEmpty()) continue;
            consumer.commitAsync(commit, (offsets, error) -> {
                if (error == null) {
                    commits.incrementAndGet();
                } else {
                    // A later commit covers these offsets; until then a restart only re-reads them.
                    long n = commitFailures.incrementAndGet();
                    if (n == 1 || n % 100 == 0) log.warn("Kafka offset commit failed ({} so far): {}", n, error.toString());
                }
            });
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> assignedOnly(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (assigned.contains(tp)) out.put(tp, o);
        });
        return out;
    }

    /** The hold rule: partitions assigned and fetches answered within holdAfter, else hold; resume at once when both hold again. */
    private void checkHealth(boolean gotRecords) {
        long now = System.nanoTime();
        Set<TopicPartition> assignment = consumer.assignment();
        assignedPartitions = assignment.size();
        double fetches = fetchTotal == null ? -1 : ((Number) fetchTotal.metricValue()).doubleValue();
        boolean answered = gotRecords || fetchTotal == null || fetches != lastFetchTotal;
        lastFetchTotal = fetches;
        if (assignment.isEmpty() && ownership == null) {
            unhealthyReason = "the consumer has no partitions of " + settings.topics() + " (group " + settings.groupId()
                    + " rebalancing, or partitions lost)";
        } else if (!answered) {
            unhealthyReason = "no answer from Kafka " + settings.bootstrapServers();
        } else {
            lastHealthyNanos = now;
            everHealthy = true;
            if (held) {
                held = false;
                log.info("Kafka ingest works again ({} partitions): detection of its sources resumes after the grace period", assignment.size());
                receiver.resume(Channel.KAFKA);
            }
            return;
        }
        // The first group join may take seconds (a broker's group.initial.rebalance.delay.ms is 3 s by default).
        long allowed = everHealthy ? settings.holdAfter().toNanos() : Math.max(settings.holdAfter().toNanos(), STARTUP_HOLD_AFTER_NANOS);
        if (!held && now - lastHealthyNanos > allowed) {
            held = true;
            String reason = unhealthyReason + " for " + TimeUnit.NANOSECONDS.toMillis(now - lastHealthyNanos) + " ms";
            log.error("Kafka ingest is broken: {}. Holding detection for sources heard through Kafka until it works again", reason);
            receiver.hold(Channel.KAFKA, reason);
        }
    }

    private void measure() {
        long now = System.nanoTime();
        if (now - lastLagNanos >= LAG_EVERY_NANOS) {
            lastLagNanos = now;
            long sum = 0;
            for (TopicPartition tp : consumer.assignment()) sum += consumer.currentLag(tp).orElse(0);
            lag = sum;
        }
        if (now - rateWindowStartNanos >= RATE_WINDOW_NANOS) {
            long total = records.get();
            recordsPerSecond = (total - rateWindowStartRecords) * 1e9 / (now - rateWindowStartNanos);
            rateWindowStartRecords = total;
            rateWindowStartNanos = now;
        }
    }

    /** After a failing poll: do not spin, but stay responsive to close. */
    private void pause() {
        long until = System.nanoTime() + settings.pollTimeout().toNanos();
        while (!closing && System.nanoTime() < until) {
            java.util.concurrent.locks.LockSupport.parkNanos(settings.pollTimeout().toNanos() / 4);
        }
    }

    /** Final checkpoint wait and synchronous commit, bounded by closeTimeout. */
    private void finish() {
        if (ownership != null) {
            finishOwned();
            return;
        }
        long deadline = System.nanoTime() + settings.closeTimeout().toNanos();
        Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        while (durableInFlight || !processed.isEmpty()) {
            if (System.nanoTime() > deadline) {
                log.warn("Kafka ingest closing: checkpoint not complete within {}; the latest records will be read again after restart",
                        settings.closeTimeout());
                break;
            }
            requestDurable();
            DurableOffsets done = durableDone.poll();
            if (done == null) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                continue;
            }
            durableInFlight = false;
            if (done.error() == null) done.offsets().forEach((tp, o) -> last.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b));
        }
        Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(last);
        if (commit.isEmpty()) return;
        try {
            consumer.commitSync(commit, settings.closeTimeout());
            commits.incrementAndGet();
        } catch (RuntimeException e) {
            commitFailures.incrementAndGet();
            log.warn("Final Kafka offset commit failed ({}); the latest records will be read again after restart", e.toString());
        }
    }

    /**
     * Partition mode: hand the partitions over before this consumer stops feeding their sources (detection stops,
     * decided events are written, every source checkpointed), then commit the offsets that checkpoint covered.
     */
    private void finishOwned() {
        Set<Integer> owned = numbers(consumer.assignment());
        if (owned.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> seen = new HashMap<>(processed);
        processed.clear();
        List<CompletableFuture<?>> waitFor = new ArrayList<>(deadLetterSends);
        deadLetterSends.clear();
        waitFor.add(receiver.durable().toCompletableFuture()); // completed by the checkpoint of the hand-over
        ownership.revoked(settings.topics().getFirst(), owned);
        Map<TopicPartition, OffsetAndMetadata> last = new HashMap<>();
        DurableOffsets done;
        while ((done = durableDone.poll()) != null) {
            durableInFlight = false;
            if (done.error() == null && done.rebalances() == rebalances) done.offsets().forEach((tp, o) -> last.merge(tp, o, KafkaHeartbeatConsumer::later));
        }
        try {
            CompletableFuture.allOf(waitFor.toArray(CompletableFuture[]::new)).get(settings.closeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            seen.forEach((tp, o) -> last.merge(tp, o, KafkaHeartbeatConsumer::later));
        } catch (Exception e) {
            log.warn("Kafka ingest closing: the hand-over checkpoint did not complete ({}); the latest records will be read "
                    + "again by the next owner", e.toString());
        }
        rebalances++;
        Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(last);
        if (commit.isEmpty()) return;
        try {
            try {
                consumer.commitSync(commit, settings.closeTimeout());
            } catch (WakeupException e) {
                consumer.commitSync(commit, settings.closeTimeout()); // close() woke a consumer that was not polling
            }
            commits.incrementAndGet();
        } catch (RuntimeException e) {
            commitFailures.incrementAndGet();
            log.warn("Final Kafka offset commit failed ({}); the latest records will be read again by the next owner", e.toString());
        }
    }

    private static OffsetAndMetadata later(OffsetAndMetadata a, OffsetAndMetadata b) {
        return a.offset() >= b.offset() ? a : b;
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> out = new java.util.TreeSet<>();
        for (TopicPartition tp : partitions) out.add(tp.partition());
        return out;
    }

    private void closeClients() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(settings.closeTimeout()));
        } catch (RuntimeException e) {
            log.warn("Closing the Kafka consumer failed: {}", e.toString());
        }
        if (deadLetters != null) deadLetters.close(settings.closeTimeout());
        if (forwarder != null) forwarder.close(settings.closeTimeout());
    }

    private Metric findMetric(String name, String group) {
        for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals(group) && !e.getKey().tags().containsKey("topic")) return e.getValue();
        }
        log.warn("Kafka consumer metric {}/{} not found: broker reachability is judged by partition assignment only", group, name);
        return null;
    }

    /** Runs on the poll thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (ownership != null && !partitions.isEmpty()) {
                // Stop emitting for those sources and checkpoint them before anything is committed or handed over;
                // the checkpoint also completes the pending durable request.
                requestDurable();
                ownership.revoked(settings.topics().getFirst(), numbers(partitions));
            }
            // Hand over what is checkpointed; the rest is re-read by the next owner.
            Map<TopicPartition, OffsetAndMetadata> ready = new HashMap<>();
            DurableOffsets done;
            while ((done = durableDone.poll()) != null) {
                durableInFlight = false;
                if (done.error() == null && (ownership == null || done.rebalances() == rebalances)) {
                    done.offsets().forEach((tp, o) -> ready.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b));
                }
            }
            Map<TopicPartition, OffsetAndMetadata> commit = assignedOnly(ready);
            if (!commit.isEmpty()) {
                try {
                    consumer.commitSync(commit, settings.closeTimeout());
                    commits.incrementAndGet();
                } catch (RuntimeException e) {
                    commitFailures.incrementAndGet();
                    log.warn("Kafka offset commit before a rebalance failed ({}); those records will be read again", e.toString());
                }
            }
            partitions.forEach(processed::remove);
            if (ownership != null && !partitions.isEmpty()) {
                rebalances++;
                rebalanceCount.incrementAndGet();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) log.info("Kafka ingest assigned {}", partitions);
            if (ownership == null) return;
            String topic = settings.topics().getFirst();
            partitionCount = consumer.partitionsFor(topic).size();
            rebalances++;
            rebalanceCount.incrementAndGet();
            ownership.assigned(topic, partitionCount, numbers(consumer.assignment()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("Kafka ingest lost partitions {} (group membership expired); their records since the last commit will be read again", partitions);
            partitions.forEach(processed::remove);
            if (ownership != null && !partitions.isEmpty()) {
                rebalances++;
                rebalanceCount.incrementAndGet();
                ownership.lost(settings.topics().getFirst(), numbers(partitions));
            }
        }

    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Stops consuming: a last checkpoint is awaited and its offsets committed (bounded by closeTimeout). Idempotent. */
    @Override
    public void close() {
        closing = true;
        if (consumer != null && thread.isAlive()) consumer.wakeup();
        try {
            thread.join(settings.closeTimeout().toMillis() * 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ getters (any thread)

    /** Records read (all kinds). */
    public long records() {
        return records.get();
    }

    /** Heartbeats the receiver accepted. */
    public long accepted() {
        return accepted.get();
    }

    /** Heartbeats dropped because no monitor has their eventName. */
    public long unknownEventName() {
        return unknownEventName.get();
    }

    /** Heartbeats dropped because this instance does not own their source. */
    public long notOwner() {
        return notOwner.get();
    }

    /** Heartbeats of new sources refused by {@code limits.maxSources} or {@code limits.newSourcesPerSecond}. */
    public long sourceLimit() {
        return sourceLimit.get();
    }

    /** Records copied to the partition of their sources because they arrived on another one (partition mode). */
    public long forwarded() {
        return forwarded.get();
    }

    /** Assignments, revocations and losses seen (partition mode). */
    public long rebalances() {
        return rebalanceCount.get();
    }

    /** Records skipped as unusable (not JSON, not VES, empty, no usable event). */
    public long poisonRecords() {
        return poison.get();
    }

    /** Single events skipped inside otherwise usable records. */
    public long invalidEvents() {
        return invalidEvents.get();
    }

    /** Poison records copied to the dead-letter topic. */
    public long deadLettered() {
        return deadLettered.get();
    }

    /** Poison records whose dead-letter copy failed. */
    public long deadLetterFailures() {
        return deadLetterFailures.get();
    }

    /** Successful offset commits. */
    public long commits() {
        return commits.get();
    }

    /** Failed offset commits (each is superseded by a later one). */
    public long commitFailures() {
        return commitFailures.get();
    }

    /** Polls that threw. */
    public long pollErrors() {
        return pollErrors.get();
    }

    /** Records on the assigned partitions not yet read (sum of the consumer's current lag), refreshed every 250 ms. */
    public long lag() {
        return lag;
    }

    /** Records read per second over the last full second. */
    public double recordsPerSecond() {
        return recordsPerSecond;
    }

    /** Partitions assigned at the last check. */
    public int assignedPartitions() {
        return assignedPartitions;
    }

    /** True while the KAFKA channel is held. */
    public boolean isHeld() {
        return held;
    }

    public KafkaIngestSettings settings() {
        return settings;
    }
}

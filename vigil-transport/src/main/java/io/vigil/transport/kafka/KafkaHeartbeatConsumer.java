package io.vigil.transport.kafka;

import io.vigil.ingest.Channel;
import io.vigil.ingest.HeartbeatReceiver;
import io.vigil.ingest.Watermark;
import io.vigil.ves.Heartbeat;
import io.vigil.ves.VesBatch;
import io.vigil.ves.VesFormatException;
import io.vigil.ves.VesParser;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes VES heartbeats from Kafka topics and hands them to a {@link HeartbeatReceiver} on {@link Channel#KAFKA}.
 * A record's value is one VES body: {@code {"event":{…}}} or an {@code {"eventList":[…]}} batch; keys are ignored.
 *
 * <p><b>Offsets: re-read rather than lose</b> ({@link OffsetCheckpoints}). Auto-commit is off. After each poll the consumer notes, per partition,
 * the offset after the last record it processed, then asks {@link HeartbeatReceiver#durable()} for a checkpoint that
 * covers them (one request at a time; offsets of later polls wait for the next one). When the checkpoint completes
 * the offsets are handed back to the poll thread (the Kafka consumer is not thread-safe) and committed with
 * {@code commitAsync}. The poll loop never waits for the store. So a crash or restart re-reads at most the records
 * since the last completed checkpoint; a re-read heartbeat is harmless (lastSeen never moves backwards). On a
 * rebalance, offsets already checkpointed are committed synchronously before the partitions go; the rest are re-read
 * by the next owner. Records whose eventName has no monitor, or whose source this instance does not own, count as
 * processed: they are dropped on purpose. A record read again after the group rejoined (from the last commit, e.g.
 * after a broker restart) that this consumer has handed over before is skipped in the default mode
 * ({@link #reReadRecords()}): under {@code timeBase: arrival} an old heartbeat handed over again would look new.
 *
 * <p><b>Poison records</b> ({@link DeadLetters}). A record whose value is not JSON, not a VES body, empty, or holds
 * no usable event is counted ({@link #poisonRecords()}), logged, copied to the dead-letter topic when one is
 * configured, and skipped: it never stalls its partition. Single bad events inside an otherwise usable batch are
 * counted ({@link #invalidEvents()}) and skipped; the batch's good events are kept.
 *
 * <p><b>Watermark</b> ({@link PartitionWatermarks}). The consumer owns one {@link Watermark} of {@link Channel#KAFKA}
 * (named {@code kafka:<group>}): the oldest of its partitions' watermarks, each moved when an end-offset probe (every
 * ~20 ms) or a fetch answer showed the partition read to its end. It stalls while the broker does not answer or no partition is assigned (default mode),
 * so no source of this channel gets an ONSET then; a step longer than {@link KafkaIngestSettings#blindAfter()} is
 * blind time that does not count against the sources' silence. This replaces the former "hold after no answer" rule.
 *
 * <p><b>Partition ownership</b> (active-active, only when constructed with a {@link PartitionOwnership}): the
 * ownership is told about every assignment and revocation from inside the rebalance callbacks, before offsets are
 * committed, so the old owner has stopped emitting and checkpointed before the next owner starts. Offsets whose
 * checkpoint was requested before a rebalance are not committed after it (they are re-read, never lost). A
 * heartbeat the receiver answers {@link io.vigil.ingest.Acceptance#NOT_OWNER} that belongs to another partition
 * ({@link SourcePartitioner}) arrived on the wrong partition (its producer did not key it by sourceName): the
 * record is <i>forwarded</i>, copied unchanged to each partition its misrouted heartbeats belong to, with header
 * {@code vigil.forwarded} so that it is never forwarded twice, and its offset is committed only once the copies are
 * acknowledged ({@link #forwarded()}, {@link MisroutedRecords}). Having no partitions is normal here (more members than partitions) and
 * does not hold the channel.
 *
 * <p><b>Threading.</b> One platform thread ({@code vigil-kafka-ingest}) owns the Kafka consumer and calls
 * {@link HeartbeatReceiver#accept} (non-blocking by contract). Getters are thread-safe.
 */
public final class KafkaHeartbeatConsumer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaHeartbeatConsumer.class);
    private static final long LAG_EVERY_MILLIS = 250;
    private static final long RATE_WINDOW_MILLIS = 1000;

    /** Header on a record copied to its sourceName's partition by {@link MisroutedRecords}. */
    public static final String FORWARDED_HEADER = "vigil.forwarded";

    private final HeartbeatReceiver receiver;
    private final KafkaIngestSettings settings;
    private final PartitionOwnership ownership;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closing;

    // Jobs; confined to the poll thread except their counters.
    private final OffsetCheckpoints offsets;
    private final DeadLetters deadLetters;
    private final MisroutedRecords misrouted;
    private PartitionWatermarks watermarks;
    /** Default mode: the records handed to the receiver per partition (re-reads are skipped). */
    private final HandedRecords handed = new HandedRecords();
    /** One poll's wait: short enough that the watermark's end-offset probe runs every ~20 ms when all is quiet. */
    private final Duration pollWait;
    private KafkaConsumer<byte[], byte[]> consumer;
    private long lastLagMillis;
    private long rateWindowStartMillis;
    private long rateWindowStartRecords;

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong unknownEventName = new AtomicLong();
    private final AtomicLong notOwner = new AtomicLong();
    private final AtomicLong sourceLimit = new AtomicLong();
    private final AtomicLong rebalanceCount = new AtomicLong();
    private final AtomicLong pollErrors = new AtomicLong();
    private final AtomicLong reReadRecords = new AtomicLong();
    private volatile long lag;
    private volatile double recordsPerSecond;
    private volatile boolean stopped;

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
        this.clock = receiver.watermarks().clock();
        this.offsets = new OffsetCheckpoints(receiver, ownership != null);
        this.deadLetters = new DeadLetters(settings, offsets);
        this.misrouted = new MisroutedRecords(settings, offsets);
        this.pollWait = settings.pollTimeout().compareTo(Duration.ofMillis(PartitionWatermarks.PROBE_EVERY_MILLIS)) < 0
                ? settings.pollTimeout() : Duration.ofMillis(PartitionWatermarks.PROBE_EVERY_MILLIS);
        this.thread = Thread.ofPlatform().name("vigil-kafka-ingest").daemon(true).unstarted(this::run);
    }

    /** Starts consuming. Call once. */
    public synchronized KafkaHeartbeatConsumer start() {
        if (thread.getState() != Thread.State.NEW) throw new IllegalStateException("Kafka consumer already started");
        // Created here, not on the thread, so that a bad property fails start() with Kafka's message.
        consumer = new KafkaConsumer<>(consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters.open();
        if (ownership != null) misrouted.open();
        Watermark w = receiver.watermarks().register(Channel.KAFKA, "kafka:" + settings.groupId(), settings.blindAfter());
        watermarks = new PartitionWatermarks(w, clock, ownership != null, settings.pollTimeout());
        thread.start();
        log.info("Consuming VES heartbeats from Kafka {} topics {} as group {}", settings.bootstrapServers(), settings.topics(), settings.groupId());
        return this;
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-ingest");
        // A new group reads what is already on the topic: losing heartbeats is worse than reading old ones.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // An idle broker holds a fetch this long, and answers the watermark's end-offset probe (same connection, one
        // request at a time) only after it: the probe interval, so the watermark runs ~20 ms + a round trip behind.
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(PartitionWatermarks.PROBE_EVERY_MILLIS));
        // After a broker outage the channel is blind until the consumer has reconnected and found its coordinator
        // again: retry every 250 ms at most (Kafka's default backs off to 1 s), so recovery is seen within ~0.25 s.
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "250");
        p.put(ConsumerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "250");
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
            watermarks.open(consumer);
            rateWindowStartMillis = clock.millis();
            while (!closing) {
                offsets.commitCovered(consumer);
                ConsumerRecords<byte[], byte[]> batch;
                watermarks.pollStarting();
                try {
                    batch = consumer.poll(pollWait);
                } catch (WakeupException e) {
                    continue; // close() woke us
                } catch (KafkaException e) {
                    // Authorisation, unknown topic under strict settings …: keep going; the watermark does not move.
                    long n = pollErrors.incrementAndGet();
                    if (n == 1 || n % 100 == 0) log.warn("Kafka poll failed ({} so far): {}", n, e.toString());
                    pause();
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) process(r);
                offsets.request();
                watermarks.pollAnswered(consumer, !batch.isEmpty());
                measure();
            }
            finish();
        } catch (Throwable t) {
            log.error("Kafka ingest stopped by an unexpected error; heartbeats from Kafka are no longer read (its sources "
                    + "are held, no ONSET). Restart Vigil.", t);
            stopped = true;
        } finally {
            closeClients();
        }
    }

    private void process(ConsumerRecord<byte[], byte[]> r) {
        records.incrementAndGet();
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        offsets.processed(tp, r.offset());
        if (alreadyHanded(tp, r.offset(), r.timestamp())) {
            reReadRecords.incrementAndGet();
            return;
        }
        byte[] value = r.value();
        if (value == null || value.length == 0) {
            deadLetters.poison(r, "empty value");
            return;
        }
        VesBatch batch;
        try {
            batch = VesParser.parse(value, receiver.limits());
        } catch (VesFormatException e) {
            deadLetters.poison(r, e.getMessage());
            return;
        }
        if (batch.heartbeats().isEmpty()) {
            deadLetters.poison(r, batch.rejected().isEmpty() ? "empty eventList" : "no usable event: " + batch.rejected().getFirst().reason());
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
                        int home = ownership == null ? -1 : misrouted.homeOf(r, hb);
                        if (home >= 0) {
                            if (forwardTo == null) forwardTo = new TreeMap<>();
                            forwardTo.putIfAbsent(home, hb.sourceName());
                        }
                    }
                }
            } catch (RuntimeException e) { // a receiver bug: counted and logged, never kills the loop
                deadLetters.invalid(r, "receiver failed on a heartbeat: " + e);
            }
        }
        for (VesBatch.Rejected rejected : batch.rejected()) deadLetters.invalid(r, rejected.reason());
        if (forwardTo != null) forwardTo.forEach((partition, source) -> misrouted.forward(r, partition, source));
    }

    /**
     * Default mode: true for a record this consumer has handed to the receiver before (read again after the group
     * rejoined, from the last commit). Handing it over again would make an old heartbeat look new under
     * {@code timeBase: arrival}: a dead source's ABATED. In partition mode a partition that comes back is read again
     * on purpose (its sources' state went with it), so nothing is skipped there. See {@link HandedRecords} for why a
     * recreated topic is never skipped.
     */
    private boolean alreadyHanded(TopicPartition tp, long offset, long timestamp) {
        return ownership == null && handed.seenBefore(tp, offset, timestamp);
    }

    private void measure() {
        long now = clock.millis();
        if (now - lastLagMillis >= LAG_EVERY_MILLIS) {
            lastLagMillis = now;
            long sum = 0;
            for (TopicPartition tp : consumer.assignment()) sum += consumer.currentLag(tp).orElse(0);
            lag = sum;
        }
        if (now - rateWindowStartMillis >= RATE_WINDOW_MILLIS) {
            long total = records.get();
            recordsPerSecond = (total - rateWindowStartRecords) * 1000.0 / (now - rateWindowStartMillis);
            rateWindowStartRecords = total;
            rateWindowStartMillis = now;
        }
    }

    /** After a failing poll: do not spin, but stay responsive to close. */
    private void pause() {
        for (int i = 0; i < 4 && !closing; i++) LockSupport.parkNanos(settings.pollTimeout().toNanos() / 4);
    }

    /** Final checkpoint wait and synchronous commit, bounded by closeTimeout. */
    private void finish() {
        if (ownership == null) {
            offsets.finish(consumer, settings.closeTimeout());
            return;
        }
        // Partition mode: hand the partitions over before this consumer stops feeding their sources (detection
        // stops, decided events are written, every source checkpointed), then commit what that checkpoint covered.
        Set<Integer> owned = numbers(consumer.assignment());
        if (owned.isEmpty()) return;
        CompletableFuture<Void> handOver = receiver.durable().toCompletableFuture(); // completed by the hand-over checkpoint
        ownership.revoked(settings.topics().getFirst(), owned);
        offsets.finishHandOver(consumer, handOver, settings.closeTimeout());
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> out = new TreeSet<>();
        for (TopicPartition tp : partitions) out.add(tp.partition());
        return out;
    }

    private void closeClients() {
        watermarks.close();
        try {
            // leave the group even as a static member (group.instance.id): a clean stop hands the partitions on at once
            consumer.close(CloseOptions.timeout(settings.closeTimeout())
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            log.warn("Closing the Kafka consumer failed: {}", e.toString());
        }
        deadLetters.close();
        misrouted.close();
    }

    /** Runs on the poll thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (ownership != null && !partitions.isEmpty()) {
                // Stop emitting for those sources and checkpoint them before anything is committed or handed over;
                // the checkpoint also completes the pending durable request.
                offsets.request();
                ownership.revoked(settings.topics().getFirst(), numbers(partitions));
            }
            // Hand over what is checkpointed; the rest is re-read by the next owner.
            offsets.commitBeforeRebalance(consumer, settings.closeTimeout());
            offsets.forget(partitions);
            if (ownership != null && !partitions.isEmpty()) rebalanced();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) log.info("Kafka ingest assigned {}", partitions);
            if (ownership == null) return;
            String topic = settings.topics().getFirst();
            misrouted.partitionCount(consumer.partitionsFor(topic).size());
            rebalanced();
            ownership.assigned(topic, misrouted.partitionCount(), numbers(consumer.assignment()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            log.warn("Kafka ingest lost partitions {} (group membership expired); their records since the last commit will be read again", partitions);
            offsets.forget(partitions);
            if (ownership != null && !partitions.isEmpty()) {
                rebalanced();
                ownership.lost(settings.topics().getFirst(), numbers(partitions));
            }
        }

        private void rebalanced() {
            offsets.rebalanced();
            rebalanceCount.incrementAndGet();
        }
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
        return misrouted.forwarded();
    }

    /** Assignments, revocations and losses seen (partition mode). */
    public long rebalances() {
        return rebalanceCount.get();
    }

    /** Records skipped as unusable (not JSON, not VES, empty, no usable event). */
    public long poisonRecords() {
        return deadLetters.poisonRecords();
    }

    /** Single events skipped inside otherwise usable records. */
    public long invalidEvents() {
        return deadLetters.invalidEvents();
    }

    /** Poison records copied to the dead-letter topic. */
    public long deadLettered() {
        return deadLetters.deadLettered();
    }

    /** Poison records whose dead-letter copy failed. */
    public long deadLetterFailures() {
        return deadLetters.failures();
    }

    /** Successful offset commits. */
    public long commits() {
        return offsets.commits();
    }

    /** Failed offset commits (each is superseded by a later one). */
    public long commitFailures() {
        return offsets.commitFailures();
    }

    /** Records read again after the group rejoined and skipped: this consumer had handed them over (default mode). */
    public long reReadRecords() {
        return reReadRecords.get();
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

    /** Partitions assigned at the last poll. */
    public int assignedPartitions() {
        PartitionWatermarks w = watermarks;
        return w == null ? 0 : w.assigned();
    }

    /** True while the consumer's watermark lags by more than blindAfter, or the consumer stopped on an error. */
    public boolean isBlind() {
        PartitionWatermarks w = watermarks;
        return stopped || (w != null && w.isBlind());
    }

    public KafkaIngestSettings settings() {
        return settings;
    }
}

package io.vigil.server.collect;

import io.vigil.collect.CollectJson;
import io.vigil.collect.EventQueueSpec;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.rpc.EventQueue;
import io.vigil.collect.rpc.RpcResult;
import io.vigil.transport.kafka.KafkaSink;
import io.vigil.backoff.BackoffPolicy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collectors' persistent event queue on a Kafka topic ({@code collect.eventQueue: {type: kafka, …}}): one record
 * per datasource of each non-empty result, key = the datasource name (so one datasource's records share a partition),
 * value {@code {"collector","rpc","datasource","time","entities":[…]}}.
 *
 * <p><b>At least once, in order per datasource.</b> Results wait in a bounded in-memory queue ({@link #capacity}
 * records) until the broker acknowledged them ({@code acks=all}, idempotent producer, one request in flight: the
 * settings of {@link KafkaSink#producerProperties}). One writer thread sends the queue's head in order and removes a
 * record only once it is acknowledged; when a send fails it keeps the record and everything after it, waits
 * (exponential backoff, 200 ms doubling to 30 s) and sends them again. A record after the failed one may thus be
 * written twice, never out of order and never dropped.
 *
 * <p><b>When full</b> (the broker has been unreachable long enough for {@link #capacity} records to wait),
 * {@link #hasRoom()} is false and collectors refuse calls (HTTP 503) instead of losing results; the engine retries
 * the call later or at another collector. Thread-safe.
 */
public final class KafkaEventQueue implements EventQueue {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventQueue.class);
    static final int DEFAULT_CAPACITY = 50_000;
    private static final int BATCH = 500;
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final String topic;
    private final Producer<String, String> producer;
    private final int capacity;
    private final BackoffPolicy backoff;
    private final Deque<ProducerRecord<String, String>> pending = new ArrayDeque<>(); // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final Thread writer;
    private volatile boolean closing;
    private long lastWarnNanos = System.nanoTime() - WARN_EVERY.toNanos();

    public KafkaEventQueue(EventQueueSpec.Kafka spec) {
        this(spec.topic(), new KafkaProducer<>(KafkaSink.producerProperties(spec.bootstrapServers(), spec.properties(),
                "vigil-collect-queue"), new StringSerializer(), new StringSerializer()), DEFAULT_CAPACITY,
                BackoffPolicy.exponential(Duration.ofMillis(200), Duration.ofSeconds(30)));
    }

    KafkaEventQueue(String topic, Producer<String, String> producer, int capacity, BackoffPolicy backoff) {
        this.topic = topic;
        this.producer = producer;
        this.capacity = capacity;
        this.backoff = backoff;
        this.writer = Thread.ofPlatform().name("vigil-collect-queue-kafka").daemon(true).start(this::run);
    }

    @Override
    public void append(RpcResult r) {
        if (r.entities().isEmpty()) return;
        List<ProducerRecord<String, String>> records = new ArrayList<>();
        for (String ds : r.datasources()) {
            var arr = CollectJson.MAPPER.createArrayNode();
            for (Entity e : r.entities()) if (ds.equals(e.datasource())) arr.add(e.toJson());
            if (arr.isEmpty()) continue;
            var value = CollectJson.object().put("collector", r.collector()).put("rpc", r.rpc()).put("datasource", ds)
                    .put("time", r.collectedAtMillis());
            value.set("entities", arr);
            records.add(new ProducerRecord<>(topic, ds, CollectJson.write(value)));
        }
        lock.lock();
        try {
            // Over capacity by at most one result: hasRoom() is checked before the call, and a result is never dropped.
            pending.addAll(records);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean hasRoom() {
        lock.lock();
        try {
            return pending.size() < capacity;
        } finally {
            lock.unlock();
        }
    }

    /** Records acknowledged by the broker since start. */
    public long written() {
        return written.get();
    }

    /** Records waiting for the broker. */
    public int waiting() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        int failed = 0;
        while (true) {
            List<ProducerRecord<String, String>> batch = new ArrayList<>();
            lock.lock();
            try {
                while (pending.isEmpty() && !closing) changed.awaitUninterruptibly();
                if (pending.isEmpty()) return;
                for (var r : pending) {
                    batch.add(r);
                    if (batch.size() == BATCH) break;
                }
            } finally {
                lock.unlock();
            }
            int acked = send(batch);
            lock.lock();
            try {
                for (int i = 0; i < acked; i++) pending.pollFirst();
            } finally {
                lock.unlock();
            }
            written.addAndGet(acked);
            if (acked == batch.size()) {
                failed = 0;
                continue;
            }
            failed++;
            failures.incrementAndGet();
            if (closing) {
                log.warn("collect event queue: {} records not yet written to Kafka topic {} at shutdown; they are "
                        + "collected again by the next get_all", waiting(), topic);
                return;
            }
            pause(backoff.delayAfter(failed));
        }
    }

    /** Sends the batch in order and returns how many of its first records the broker acknowledged. */
    private int send(List<ProducerRecord<String, String>> batch) {
        List<Future<?>> sent = new ArrayList<>(batch.size());
        try {
            for (var r : batch) sent.add(producer.send(r));
            producer.flush();
        } catch (RuntimeException e) {
            warn("cannot send", e);
        }
        int acked = 0;
        for (Future<?> f : sent) {
            try {
                f.get();
                acked++;
            } catch (Exception e) {
                warn("the broker did not acknowledge a record", e);
                break;
            }
        }
        return acked;
    }

    private void warn(String what, Exception e) {
        long now = System.nanoTime();
        if (now - lastWarnNanos < WARN_EVERY.toNanos()) return;
        lastWarnNanos = now;
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        log.warn("collect event queue: {} on topic {} ({}); {} records wait and are retried in order. Check that the "
                + "broker in collect.eventQueue.bootstrapServers is reachable and the topic exists", what, topic, cause.toString(), waiting());
    }

    private void pause(Duration d) {
        lock.lock();
        try {
            if (!closing) changed.awaitNanos(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Writes what waits (up to 10 s), then closes the producer. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            writer.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}

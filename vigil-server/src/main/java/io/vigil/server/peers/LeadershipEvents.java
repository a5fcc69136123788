package io.vigil.server.peers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vigil.http.Json;
import io.vigil.peer.LeadershipStatus;
import io.vigil.store.outbox.OutboxEntry;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership changes of peer endpoints as change events: outbox records of kind {@value #KIND}, delivered to the
 * {@code publish[]} targets like ONSET and ABATED. Payload:
 * <pre>{@code {"kind":"LEADERSHIP","id","endpoint","endpointType","eventName","sourceName","scope":"self"|"peer",
 *  "previousLeadershipStatus","leadershipStatus","time","timeMillis"}}</pre>
 *
 * <p>Changes are queued (bounded: {@value #CAPACITY}; when full a change is dropped, counted and logged) and written by
 * one thread, in order, each retried until the store takes it (200 ms doubling to 5 s). Only the instance that may
 * emit (the lease holder) writes them; another instance counts them as {@code not_active}.
 */
final class LeadershipEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeadershipEvents.class);
    static final String KIND = "LEADERSHIP";
    static final int CAPACITY = 10_000;

    enum Scope { SELF, PEER }

    private final LinkedBlockingQueue<OutboxEntry> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final Consumer<OutboxEntry> writer;
    private final BooleanSupplier mayEmit;
    private final Counter written, dropped, notActive;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param writer  writes one entry to the outbox (fenced by the lease epoch) and wakes the relays; throws on failure
     * @param mayEmit whether this instance emits change events now
     */
    LeadershipEvents(Consumer<OutboxEntry> writer, BooleanSupplier mayEmit, MeterRegistry registry) {
        this.writer = writer;
        this.mayEmit = mayEmit;
        this.written = counter(registry, "written");
        this.dropped = counter(registry, "dropped");
        this.notActive = counter(registry, "not_active");
        this.thread = Thread.ofPlatform().name("vigil-peer-leadership").daemon(true).start(this::run);
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("vigil.peer.leadership.changes").description("Leadership changes of peer endpoints, by outcome")
                .tag("outcome", outcome).register(registry);
    }

    /** Queues one change; never blocks (called on adapter event loops and HTTP handlers). */
    void changed(PeerEndpoint endpoint, String source, Scope scope, LeadershipStatus was, LeadershipStatus now, long atMillis) {
        String id = "peer-leadership-" + UUID.randomUUID();
        ObjectNode p = Json.object();
        p.put("kind", KIND);
        p.put("id", id);
        p.put("endpoint", endpoint.settings().name());
        p.put("endpointType", endpoint.settings().type().name().toLowerCase());
        p.put("eventName", endpoint.settings().eventName());
        p.put("sourceName", source);
        p.put("scope", scope.name().toLowerCase());
        p.put("previousLeadershipStatus", was == null ? null : was.name());
        p.put("leadershipStatus", now == null ? null : now.name());
        p.put("time", Instant.ofEpochMilli(atMillis).toString());
        p.put("timeMillis", atMillis);
        OutboxEntry e = new OutboxEntry(id, endpoint.settings().eventName(), source, KIND, Json.write(p), atMillis);
        if (!queue.offer(e)) {
            dropped.increment();
            log.warn("leadership change of {} on peer endpoint {} dropped: {} changes wait for the store. Check the database",
                    source, endpoint.settings().name(), CAPACITY);
        }
    }

    private void run() {
        while (running) {
            OutboxEntry e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                return;
            }
            long backoff = 200;
            while (running) {
                if (!mayEmit.getAsBoolean()) {
                    notActive.increment();
                    break;
                }
                try {
                    writer.accept(e);
                    written.increment();
                    break;
                } catch (RuntimeException ex) {
                    log.warn("could not write the leadership change {} to the outbox ({}); retrying in {} ms. Check the database",
                            e.eventId(), ex.getMessage(), backoff);
                    try {
                        Thread.sleep(backoff);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    backoff = Math.min(5000, backoff * 2);
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}

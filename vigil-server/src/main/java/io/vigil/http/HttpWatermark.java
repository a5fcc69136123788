package io.vigil.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vigil.ingest.Channel;
import io.vigil.ingest.Watermark;
import io.vigil.ingest.Watermarks;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watermark of the HTTP listener ({@link Channel#HTTP}, part {@code http}): how far in time its event loops have
 * proven they read what their sockets held.
 *
 * <p>A probe timer runs every {@value #PROBE_MILLIS} ms on each event loop (see {@link #start}). An event loop runs its timers after
 * the I/O pass of its loop iteration, and a periodic timer's next run never falls in the same iteration; so when the
 * k-th probe of a loop runs, that loop has read its sockets at least once since the (k−1)-th probe ran: everything
 * that reached its sockets before then has been handed to the engine. That earlier time is the loop's proof; the
 * channel's watermark is the oldest proof of all loops. A stalled event loop (GC, CPU starvation, a stopped process)
 * stops its probe, so the watermark stalls and no HTTP-fed source gets an ONSET.
 *
 * <p>A listener that cannot accept connections proves nothing either: while the process has (almost) no file
 * descriptors left ({@code ulimit -n}; checked every {@value #FD_CHECK_MILLIS} ms) the watermark does not move.
 *
 * <p>Thread-safe; probes run on the event loops, {@link #close} from any thread.
 */
public final class HttpWatermark implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpWatermark.class);
    static final long PROBE_MILLIS = 10;
    static final long FD_CHECK_MILLIS = 250;
    /** Fewer free descriptors than this: new connections are about to be refused. */
    static final long FD_RESERVE = 16;
    /** The longest normal step of the watermark: a longer one is blindness. */
    public static final Duration BLIND_AFTER = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final Clock clock;
    private final Watermark watermark;
    private final AtomicLongArray proven;
    private final long[] candidate;
    private volatile String deployment;
    private volatile boolean fdsExhausted;
    private long lastFdCheck;

    private HttpWatermark(Vertx vertx, Watermarks watermarks, int loops) {
        this.vertx = vertx;
        this.clock = watermarks.clock();
        this.watermark = watermarks.register(Channel.HTTP, "http", BLIND_AFTER);
        this.proven = new AtomicLongArray(loops);
        this.candidate = new long[loops];
        long now = clock.millis();
        for (int i = 0; i < loops; i++) {
            proven.set(i, now);
            candidate[i] = now;
        }
    }

    /**
     * Starts probing: a verticle with {@code 2 × eventLoops} instances, each on its own event-loop context; Vert.x
     * gives contexts the event loops of its pool in turn, so every loop that can serve an HTTP connection gets a
     * probe (two on the same loop do no harm).
     *
     * @param eventLoops the size of Vert.x's event loop pool
     */
    public static HttpWatermark start(Vertx vertx, Watermarks watermarks, int eventLoops) throws Exception {
        int probes = 2 * eventLoops;
        HttpWatermark w = new HttpWatermark(vertx, watermarks, probes);
        AtomicInteger next = new AtomicInteger();
        w.deployment = vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                int loop = next.getAndIncrement();
                vertx.setPeriodic(PROBE_MILLIS, id -> w.probe(loop)); // cancelled with the deployment
                return Future.succeededFuture();
            }
        }, new DeploymentOptions().setInstances(probes)).await(10, TimeUnit.SECONDS);
        return w;
    }

    /** On event loop {@code loop}: it has read its sockets since the previous probe ran. */
    private void probe(int loop) {
        long now = clock.millis();
        proven.set(loop, candidate[loop]);
        candidate[loop] = now;
        if (loop == 0 && now - lastFdCheck >= FD_CHECK_MILLIS) {
            lastFdCheck = now;
            checkDescriptors();
        }
        if (fdsExhausted) return;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < proven.length(); i++) min = Math.min(min, proven.get(i));
        watermark.advanceTo(min);
    }

    private void checkDescriptors() {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os)) return;
        long open = os.getOpenFileDescriptorCount();
        long max = os.getMaxFileDescriptorCount();
        boolean exhausted = max > 0 && open >= 0 && max - open < FD_RESERVE;
        if (exhausted != fdsExhausted) {
            fdsExhausted = exhausted;
            if (exhausted) {
                log.warn("Vigil has {} of {} file descriptors open: the HTTP listener cannot accept connections, so HTTP ingest "
                        + "counts as blind (no ONSET from it). Raise the limit (ulimit -n, LimitNOFILE) or cap connections", open, max);
            } else {
                log.warn("File descriptors available again ({} of {} open): the HTTP listener accepts connections", open, max);
            }
        }
    }

    /** True while the process is (almost) out of file descriptors. */
    public boolean descriptorsExhausted() {
        return fdsExhausted;
    }

    @Override
    public synchronized void close() {
        String id = deployment;
        deployment = null;
        watermark.close();
        if (id == null) return;
        try {
            vertx.undeploy(id);
        } catch (RuntimeException e) {
            // Vert.x already closed (a second close): the probes are gone with it
        }
    }
}

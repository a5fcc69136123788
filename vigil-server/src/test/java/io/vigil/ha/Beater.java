package io.vigil.ha;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Heartbeat senders behind a "load balancer": one thread per instance, each sending every source's heartbeat to
 * its instance every {@code periodMillis}. A source can be silenced (it "dies"). Failures (connection refused, 503
 * during a takeover, timeouts of a stopped process) are counted; the other thread keeps going.
 */
final class Beater implements AutoCloseable {
    private final Set<String> silenced = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<AtomicLong> rounds = new ArrayList<>();
    private volatile boolean running = true;

    Beater(List<VigilProcess> instances, String eventName, List<String> sources, long periodMillis) {
        for (VigilProcess p : instances) {
            AtomicLong done = new AtomicLong();
            rounds.add(done);
            Thread t = Thread.ofPlatform().daemon(true).name("beater-" + p.id).start(() -> {
                while (running) {
                    for (String s : sources) {
                        if (silenced.contains(s) || !running) continue;
                        if (p.heartbeat(eventName, s) == 202) accepted.incrementAndGet();
                        else failed.incrementAndGet();
                    }
                    done.incrementAndGet();
                    LockSupport.parkNanos(periodMillis * 1_000_000); // the senders' heartbeat period
                }
            });
            threads.add(t);
        }
    }

    /** The source stops sending heartbeats from now on. */
    void silence(String source) {
        silenced.add(source);
    }

    /**
     * Rounds that every sender thread has completed (the slowest one's count): once it has grown by one after
     * {@link #silence}, no heartbeat of the silenced source is still on its way.
     */
    long completedRounds() {
        return rounds.stream().mapToLong(AtomicLong::get).min().orElse(0);
    }

    long accepted() {
        return accepted.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) t.join(5000);
    }
}

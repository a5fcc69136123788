package io.vigil.server;

import io.vigil.store.lease.Lease;
import io.vigil.store.lease.LeaseRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the {@code active} lease: acquires it at start (waiting for a dead previous holder's lease to expire), renews
 * it every third of the TTL, and fences this instance (stops emitting) as soon as it cannot prove it still holds the
 * lease with a safety margin: either a renewal is refused, or no renewal succeeded for {@code ttl − margin}.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final LeaseRepository leases;
    private final String owner;
    private final Duration ttl;
    private final Clock clock;
    private final LongConsumer onAcquired;
    private final Runnable onLost;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-lease").daemon(true).unstarted(r));
    private volatile long epoch = -1;
    private volatile long lastRenewedMillis;
    private volatile boolean holding;

    public LeaseKeeper(LeaseRepository leases, String owner, Duration ttl, Clock clock, LongConsumer onAcquired,
                       Runnable onLost) {
        this.leases = leases;
        this.owner = owner;
        this.ttl = ttl;
        this.clock = clock;
        this.onAcquired = onAcquired;
        this.onLost = onLost;
    }

    /** Blocks until this instance holds the lease (at most about one TTL when a previous holder died). */
    public long acquire() throws InterruptedException {
        boolean told = false;
        while (true) {
            Optional<Lease> got = leases.tryAcquire(LeaseRepository.ACTIVE, owner, ttl);
            if (got.isPresent()) {
                epoch = got.get().epoch();
                lastRenewedMillis = clock.millis();
                holding = true;
                log.info("this instance ({}) is active: lease acquired with epoch {}", owner, epoch);
                onAcquired.accept(epoch);
                long period = Math.max(100, ttl.toMillis() / 3);
                timer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.MILLISECONDS);
                return epoch;
            }
            if (!told) {
                Optional<Lease> cur = leases.current(LeaseRepository.ACTIVE);
                log.info("waiting for the active lease held by {} until {} (a previous instance that stopped; it expires by itself)",
                        cur.map(Lease::owner).orElse("?"), cur.map(Lease::expiresAt).orElse(null));
                told = true;
            }
            Thread.sleep(Math.max(100, ttl.toMillis() / 5)); // lease polling interval, not a test wait
        }
    }

    private void renew() {
        try {
            if (leases.renew(LeaseRepository.ACTIVE, owner, epoch, ttl)) {
                lastRenewedMillis = clock.millis();
                if (!holding) {
                    holding = true;
                    log.info("lease renewed again with epoch {}: emitting resumes", epoch);
                    onAcquired.accept(epoch);
                }
                return;
            }
            lose("another instance took the lease");
        } catch (RuntimeException e) {
            long margin = Math.max(500, ttl.toMillis() / 5);
            if (holding && clock.millis() - lastRenewedMillis > ttl.toMillis() - margin) {
                lose("cannot renew the lease (" + e.getMessage() + ")");
            }
        }
    }

    private void lose(String why) {
        if (!holding) return;
        holding = false;
        log.error("this instance stops emitting: {}. Check the database and the other instances; it resumes when it holds the lease again", why);
        onLost.run();
    }

    public long epoch() {
        return epoch;
    }

    public boolean isHolding() {
        return holding;
    }

    public Optional<Lease> current() {
        return leases.current(LeaseRepository.ACTIVE);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (holding) leases.release(LeaseRepository.ACTIVE, owner);
        } catch (RuntimeException e) {
            log.debug("lease release failed; it expires by itself", e);
        }
    }
}

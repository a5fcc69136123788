package io.vigil.server;

import org.jspecify.annotations.Nullable;
import io.vigil.config.HaConfig;
import io.vigil.store.lease.Lease;
import io.vigil.store.lease.LeaseRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides this instance's HA role from the {@code active} lease row, and says at every moment whether it may emit.
 *
 * <h2>Phases</h2>
 * <ul>
 *   <li>{@code STANDBY}: tries to take the lease every {@code ttl/5}, and right after the holder's expiry (it reads
 *       the expiry and the database clock), so a takeover lands within about TTL + one query of the holder's death.</li>
 *   <li>{@code ACTIVE}: renews every {@code ttl/3}. {@link #isHolding()} is true only while the last successful
 *       renewal <b>started</b> less than {@code ttl − margin} ago on this JVM's monotonic clock. The database set
 *       the expiry at or after that start, so the instance stops emitting at least {@code margin} before the lease
 *       can expire (self-fencing), whatever happened in between: a hung connection, a GC pause, SIGSTOP.</li>
 *   <li>{@code SUSPENDED}: the safety window lapsed or a renewal was refused; the instance keeps its memory but
 *       writes and delivers nothing. If it gets the lease back and nobody held it in between (the new epoch is
 *       the old one plus one) it {@linkplain RoleListener#resumed resumes} with that memory; if another instance
 *       holds or held it, it is {@linkplain RoleListener#demoted demoted} and forgets.</li>
 * </ul>
 * The store's epoch check ({@code StateWriter}) catches any write that still gets past this.
 *
 * <p>Threads: lease I/O runs on {@code vigil-lease}; listener calls run in order on {@code vigil-role}, so a slow
 * activation (restoring many sources) never delays a renewal. A watchdog on {@code vigil-role} suspends the role
 * when the window lapses even while {@code vigil-lease} is stuck in a database call.
 *
 * <p>After a store error a standby waits one more TTL of working store before it competes for the lease, so that
 * when the database comes back the previous holder gets its lease back first (with its in-memory state) instead of
 * a standby restoring an older state from the store.
 *
 * <p>Time: the safety window, the store-error wait and the renewal latency are measured on a monotonic nanosecond
 * source, {@link System#nanoTime()} in production. It is injected (not a {@link java.time.Clock}, whose
 * {@code systemUTC()} is wall time and may jump) so that tests drive it with a manual clock and call {@link #tick()}
 * and {@link #watchdog()} themselves instead of {@link #start()}.
 */
public final class LeaseKeeper implements AutoCloseable, io.vigil.metrics.VigilMetrics.Lease {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    /** Role changes, called in order on one thread; each call may take as long as it needs. */
    public interface RoleListener {
        /** STANDBY → ACTIVE under {@code epoch}: restore the state from the store and start emitting. */
        void activated(long epoch, String why);

        /** ACTIVE → not sure any more: stop writing and delivering, keep the in-memory state. */
        void suspended(String why);

        /** Back to ACTIVE under {@code epoch} with nobody active in between: the in-memory state is still right. */
        void resumed(long epoch, String why);

        /** → STANDBY: another instance holds or held the lease; drop the in-memory state. */
        void demoted(String why);
    }

    /** Where this instance stands; see the class comment. */
    public enum Phase { STANDBY, ACTIVE, SUSPENDED }

    /**
     * The lease operations the keeper uses, with {@link LeaseRepository}'s contracts (expiry by the store's clock,
     * the epoch rules); an interface so that tests can run the keeper against an in-memory lease on a manual clock.
     */
    interface LeaseStore {
        Optional<Lease> tryAcquire(String name, String owner, Duration ttl);

        boolean renew(String name, String owner, long epoch, Duration ttl);

        Optional<Lease> current(String name);

        boolean release(String name, String owner);

        Instant databaseTime();

        static LeaseStore of(LeaseRepository r) {
            return new LeaseStore() {
                @Override
                public Optional<Lease> tryAcquire(String name, String owner, Duration ttl) {
                    return r.tryAcquire(name, owner, ttl);
                }

                @Override
                public boolean renew(String name, String owner, long epoch, Duration ttl) {
                    return r.renew(name, owner, epoch, ttl);
                }

                @Override
                public Optional<Lease> current(String name) {
                    return r.current(name);
                }

                @Override
                public boolean release(String name, String owner) {
                    return r.release(name, owner);
                }

                @Override
                public Instant databaseTime() {
                    return r.databaseTime();
                }
            };
        }
    }

    private final LeaseStore leases;
    /** Monotonic nanoseconds ({@link System#nanoTime()} in production). */
    private final LongSupplier nanoTime;
    private final String owner;
    private final Duration ttl;
    private final long ttlNanos;
    private final long marginNanos;
    private final long renewPeriodMillis;
    private final long standbyPollMillis;
    private final RoleListener listener;
    private final ScheduledExecutorService leaseThread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-lease").daemon(true).unstarted(r));
    private final ScheduledExecutorService roleThread = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("vigil-role").daemon(true).unstarted(r));
    /** Where listener calls run: {@code vigil-role}, or the caller's thread in tests. */
    private final Executor roleCalls;
    private final CountDownLatch firstActivation = new CountDownLatch(1);
    private volatile Consumer<Lease> leaseObserver = l -> { };
    private volatile LongConsumer renewLatency = n -> { };

    // phase, epoch and safeUntil change together under "this"; read lock-free on hot paths
    private volatile Phase phase = Phase.STANDBY;
    private volatile long epoch = -1;
    private volatile long safeUntilNanos;
    private volatile @Nullable Lease lastKnown;
    /** When the store last failed; only meaningful once {@code hadStoreError} is set. */
    private volatile long storeErrorNanos;
    private volatile boolean hadStoreError;
    private volatile boolean storeErrorSeen;
    private volatile boolean closed;
    private volatile @Nullable RuntimeException activationFailure;
    /** Set on the role thread when {@link RoleListener#activated} threw; the lease thread then steps down. */
    private volatile @Nullable RuntimeException failedActivation;
    /** After stepping down from a failed activation, do not compete again before this (monotonic nanos). */
    private volatile long competeAgainAtNanos;
    private boolean toldWaiting;
    private boolean checkedOwnLease;

    public LeaseKeeper(LeaseRepository leases, String owner, Duration ttl, RoleListener listener) {
        this(LeaseStore.of(leases), owner, ttl, listener, System::nanoTime, null);
    }

    /**
     * For tests: {@code nanoTime} is the monotonic clock, {@code roleCalls} runs the listener calls (null:
     * {@code vigil-role}; {@code Runnable::run} makes every call happen inside {@link #tick()} or {@link #watchdog()}).
     */
    LeaseKeeper(LeaseStore leases, String owner, Duration ttl, RoleListener listener, LongSupplier nanoTime,
                @Nullable Executor roleCalls) {
        if (ttl.compareTo(MIN_TTL) < 0) throw new IllegalArgumentException("ha.leaseTtl must be at least 1s, got " + ttl);
        this.leases = leases;
        this.nanoTime = nanoTime;
        this.roleCalls = roleCalls != null ? roleCalls : roleThread;
        this.owner = owner;
        this.ttl = ttl;
        this.listener = listener;
        this.ttlNanos = ttl.toNanos();
        this.marginNanos = marginFor(ttl).toNanos();
        this.renewPeriodMillis = Math.max(50, ttl.toMillis() / 3);
        this.standbyPollMillis = Math.max(50, ttl.toMillis() / 5);
    }

    /**
     * The shortest TTL that works: renewals (every TTL/3) must land well inside the safety window (TTL - margin); below
     * 1 s a single slow renewal already suspends the active.
     */
    public static final Duration MIN_TTL = HaConfig.MIN_LEASE_TTL;

    /** How long before the lease can expire this instance stops emitting: a quarter of the TTL, at least 250 ms. */
    public static Duration marginFor(Duration ttl) {
        return Duration.ofMillis(Math.max(250, ttl.toMillis() / 4));
    }

    /** Called on {@code vigil-lease} with every lease row read (standby polls, takeovers); for the peer directory. */
    public void observeLease(Consumer<Lease> observer) {
        this.leaseObserver = observer;
    }

    /** Called with the duration of every renewal attempt, in nanoseconds (metrics). */
    public void observeRenewLatency(LongConsumer nanos) {
        this.renewLatency = nanos;
    }

    /** Starts competing for the lease; returns at once. */
    public void start() {
        leaseThread.execute(this::step);
        roleThread.scheduleAtFixedRate(this::watchdog, 50, 50, TimeUnit.MILLISECONDS);
    }

    /**
     * Blocks until this instance became ACTIVE once and its {@link RoleListener#activated} call returned (used
     * without HA, where a single instance waits for a dead predecessor's lease to expire).
     */
    public void awaitFirstActivation() throws InterruptedException {
        firstActivation.await();
        if (activationFailure != null) throw activationFailure;
    }

    // ------------------------------------------------------------------ lease thread

    private void step() {
        if (closed) return;
        long next = tick();
        if (!closed) leaseThread.schedule(this::step, next, TimeUnit.MILLISECONDS);
    }

    /**
     * One step of the lease loop: a standby tries to take the lease, a holder renews it; a store error is absorbed.
     * Returns the delay in milliseconds until the next step. Runs on {@code vigil-lease} after {@link #start()};
     * tests that never call {@code start()} call it directly, one thread at a time.
     */
    long tick() {
        try {
            if (failedActivation != null && phase != Phase.STANDBY) return stepDownAfterFailedActivation();
            return phase == Phase.STANDBY ? standbyStep() : holderStep();
        } catch (RuntimeException e) {
            return storeFailed(e);
        }
    }

    /** One attempt to take the lease; returns the delay until the next one. */
    private long standbyStep() {
        if (nanoTime.getAsLong() - competeAgainAtNanos < 0) return standbyPollMillis;
        if (hadStoreError && nanoTime.getAsLong() - storeErrorNanos < ttlNanos) {
            observe(leases.current(LeaseRepository.ACTIVE)); // the store works again: give the old holder its turn
            return standbyPollMillis;
        }
        if (!checkedOwnLease) {
            // A live lease under our own id belongs to a previous process with the same ha.instanceId (or, wrongly,
            // to a second instance configured with it): re-acquiring would keep its epoch and share it. Wait it out.
            Optional<Lease> cur = leases.current(LeaseRepository.ACTIVE);
            Instant dbNow = leases.databaseTime();
            storeOk();
            observe(cur);
            if (cur.isPresent() && owner.equals(cur.get().owner()) && cur.get().expiresAt().isAfter(dbNow)) {
                log.warn("the active lease is still held under this instance's id {} (a previous process, or another "
                        + "instance configured with the same ha.instanceId); waiting until it expires at {}", owner, cur.get().expiresAt());
                return Math.max(20, Duration.between(dbNow, cur.get().expiresAt()).toMillis() + 20);
            }
            checkedOwnLease = true;
        }
        long start = nanoTime.getAsLong();
        Optional<Lease> got = leases.tryAcquire(LeaseRepository.ACTIVE, owner, ttl);
        storeOk();
        if (got.isPresent()) {
            Lease l = got.get();
            synchronized (this) {
                epoch = l.epoch();
                safeUntilNanos = start + ttlNanos - marginNanos;
                phase = Phase.ACTIVE;
            }
            Lease before = lastKnown;
            String why = before != null && before.owner() != null && !owner.equals(before.owner())
                    ? "took over from " + before.owner() : "the lease was free";
            observe(Optional.of(l));
            toRole(() -> {
                try {
                    listener.activated(l.epoch(), why + " (epoch " + l.epoch() + ")");
                } catch (RuntimeException e) {
                    activationFailure = e;
                    failedActivation = e;
                    throw e;
                } finally {
                    firstActivation.countDown();
                }
            });
            return renewPeriodMillis;
        }
        Optional<Lease> cur = leases.current(LeaseRepository.ACTIVE);
        observe(cur);
        if (!toldWaiting) {
            log.info("this instance ({}) is STANDBY: the active lease is held by {} until {} (epoch {})", owner,
                    cur.map(Lease::owner).orElse("?"), cur.map(Lease::expiresAt).orElse(null), cur.map(Lease::epoch).orElse(-1L));
            toldWaiting = true;
        }
        if (cur.isEmpty() || cur.get().owner() == null) return 20;
        // wake up just after the holder's expiry by the database clock, so a takeover does not wait a poll period
        Instant dbNow = leases.databaseTime();
        long untilExpiry = Duration.between(dbNow, cur.get().expiresAt()).toMillis() + 20;
        return Math.max(20, Math.min(untilExpiry, standbyPollMillis));
    }

    /** One renewal (ACTIVE or SUSPENDED); returns the delay until the next one. */
    private long holderStep() {
        long held = epoch;
        long start = nanoTime.getAsLong();
        boolean renewed;
        try {
            renewed = leases.renew(LeaseRepository.ACTIVE, owner, held, ttl);
        } finally {
            renewLatency.accept(nanoTime.getAsLong() - start);
        }
        storeOk();
        if (renewed) {
            boolean resume;
            synchronized (this) {
                safeUntilNanos = start + ttlNanos - marginNanos;
                resume = phase == Phase.SUSPENDED;
                phase = Phase.ACTIVE;
            }
            if (resume) toRole(() -> listener.resumed(held, "the lease could be renewed again (epoch " + held + ")"));
            return renewPeriodMillis;
        }
        // expired or taken: stop at once, then see whether we can get it back without anyone in between
        suspend("the lease (epoch " + held + ") could not be renewed: it expired or another instance took it");
        Optional<Lease> got = leases.tryAcquire(LeaseRepository.ACTIVE, owner, ttl);
        if (got.isPresent() && got.get().epoch() == held + 1) {
            long e = got.get().epoch();
            synchronized (this) {
                epoch = e;
                safeUntilNanos = start + ttlNanos - marginNanos;
                phase = Phase.ACTIVE;
            }
            observe(got);
            toRole(() -> listener.resumed(e, "took the expired lease back with epoch " + e + "; nobody was active in between"));
            return renewPeriodMillis;
        }
        Optional<Lease> cur = got.isPresent() ? got : leases.current(LeaseRepository.ACTIVE);
        observe(cur);
        String who = cur.map(l -> l.owner() + " (epoch " + l.epoch() + ")").orElse("nobody");
        synchronized (this) {
            phase = Phase.STANDBY;
            safeUntilNanos = 0;
        }
        toldWaiting = false;
        toRole(() -> listener.demoted("another instance became active: the lease is now held by " + who));
        return 0;
    }

    /**
     * {@link RoleListener#activated} threw: this instance holds the lease but is not working as the active, and while
     * it renews nobody else can take over. Give the lease up (released, so a standby takes it at once), tell the
     * listener to drop whatever it started, and stay out of the competition for one TTL so that another instance gets
     * the first chance; if there is none, this one tries again then.
     */
    private long stepDownAfterFailedActivation() {
        RuntimeException e = failedActivation;
        failedActivation = null;
        long held = epoch;
        synchronized (this) {
            phase = Phase.STANDBY;
            safeUntilNanos = 0;
        }
        toldWaiting = false;
        competeAgainAtNanos = nanoTime.getAsLong() + ttlNanos;
        log.error("becoming ACTIVE under epoch {} failed ({}); released the lease so that another instance can take "
                + "over; this instance competes again in {} ms. Check the store and the errors above", held,
                e.getMessage(), ttl.toMillis());
        toRole(() -> listener.demoted("activation under epoch " + held + " failed: " + e.getMessage()));
        leases.release(LeaseRepository.ACTIVE, owner);
        return standbyPollMillis;
    }

    private long storeFailed(RuntimeException e) {
        if (!storeErrorSeen) log.warn("lease: the store cannot be reached ({}); retrying", e.getMessage());
        storeErrorSeen = true;
        storeErrorNanos = nanoTime.getAsLong();
        hadStoreError = true;
        if (phase == Phase.ACTIVE && nanoTime.getAsLong() - safeUntilNanos >= 0) {
            suspend("the lease could not be renewed for " + Duration.ofNanos(ttlNanos - marginNanos).toMillis()
                    + " ms (" + e.getMessage() + ")");
        }
        return Math.min(renewPeriodMillis, 200);
    }

    private void storeOk() {
        if (storeErrorSeen) log.info("lease: the store answers again");
        storeErrorSeen = false;
    }

    private void observe(Optional<Lease> lease) {
        lease.ifPresent(l -> {
            lastKnown = l;
            try {
                leaseObserver.accept(l);
            } catch (RuntimeException e) {
                log.debug("lease observer failed", e);
            }
        });
    }

    // ------------------------------------------------------------------ role thread

    /**
     * Suspends an ACTIVE instance whose safety window lapsed. Runs every 50 ms on {@code vigil-role} after
     * {@link #start()}; tests call it directly.
     */
    void watchdog() {
        if (phase == Phase.ACTIVE && nanoTime.getAsLong() - safeUntilNanos >= 0) {
            suspend("no successful lease renewal for " + Duration.ofNanos(ttlNanos - marginNanos).toMillis()
                    + " ms; stopping " + Duration.ofNanos(marginNanos).toMillis() + " ms before the lease can expire");
        }
    }

    private void suspend(String why) {
        synchronized (this) {
            if (phase != Phase.ACTIVE) return;
            phase = Phase.SUSPENDED;
        }
        toRole(() -> listener.suspended(why));
    }

    private void toRole(Runnable r) {
        if (closed) return;
        roleCalls.execute(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.error("HA role change failed: {}. This is a bug: please report it with this trace", e.getMessage(), e);
            }
        });
    }

    // ------------------------------------------------------------------ views

    /**
     * True while this instance may write and deliver: it is ACTIVE and its last renewal started less than
     * {@code ttl − margin} ago. Lock-free; call it right before every externally visible action.
     */
    public boolean isHolding() {
        return phase == Phase.ACTIVE && nanoTime.getAsLong() - safeUntilNanos < 0;
    }

    public Phase phase() {
        return phase;
    }

    /** The epoch this instance holds or last held; -1 before it was ever active. */
    public long epoch() {
        return epoch;
    }

    public String owner() {
        return owner;
    }

    public Duration ttl() {
        return ttl;
    }

    /** The lease row as last read or written by this instance (no I/O); empty before the first read. */
    public Optional<Lease> lastKnown() {
        return Optional.ofNullable(lastKnown);
    }

    /** The lease row as stored now (one query). */
    public Optional<Lease> current() {
        return leases.current(LeaseRepository.ACTIVE);
    }

    /** Stops competing; releases the lease if held so that a standby takes over at once instead of after expiry. */
    @Override
    public void close() {
        closed = true;
        leaseThread.shutdownNow();
        roleThread.shutdownNow();
        try {
            leaseThread.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Phase was = phase;
        phase = Phase.STANDBY;
        try {
            if (was != Phase.STANDBY) leases.release(LeaseRepository.ACTIVE, owner);
        } catch (RuntimeException e) {
            log.debug("lease release failed; it expires by itself", e);
        }
    }
}

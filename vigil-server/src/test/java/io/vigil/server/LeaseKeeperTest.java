package io.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.server.LeaseKeeper.Phase;
import io.vigil.store.lease.Lease;
import io.vigil.store.lease.LeaseRepository;
import io.vigil.time.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lease keeper's rules, one step at a time: a manual clock is both the instances' monotonic clock and the
 * store's clock, {@link LeaseKeeper#tick()} and {@link LeaseKeeper#watchdog()} are called by the test (never
 * {@code start()}), and listener calls run inside those calls. The store is {@link FakeLeases}, an in-memory lease
 * with {@link LeaseRepository}'s rules; the real SQL is covered by the store's own tests and the HA process tests.
 *
 * <p>TTL 3 s throughout: renewal every 1 s, margin 750 ms, so a holder may emit for 2.25 s after a renewal started;
 * a standby polls every 600 ms.
 */
class LeaseKeeperTest {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration WINDOW = TTL.minus(LeaseKeeper.marginFor(TTL));

    private final ManualClock clock = new ManualClock();
    private final FakeLeases store = new FakeLeases(clock);
    private final List<LeaseKeeper> keepers = new ArrayList<>();

    @AfterEach
    void closeKeepers() {
        keepers.forEach(LeaseKeeper::close);
    }

    private Keeper keeper(String id) {
        return keeper(id, TTL);
    }

    private Keeper keeper(String id, Duration ttl) {
        Roles roles = new Roles();
        LeaseKeeper k = new LeaseKeeper(store, id, ttl, roles,
                () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()), Runnable::run);
        keepers.add(k);
        k.observeLease(roles.leases::add);
        k.observeRenewLatency(roles.renewNanos::add);
        return new Keeper(k, roles);
    }

    private record Keeper(LeaseKeeper lease, Roles roles) {
        long tick() {
            return lease.tick();
        }
    }

    /** Every listener call as one line, in order. */
    private static class Roles implements LeaseKeeper.RoleListener {
        final List<String> calls = new ArrayList<>();
        final List<Lease> leases = new ArrayList<>();
        final List<Long> renewNanos = new ArrayList<>();

        @Override
        public void activated(long epoch, String why) {
            calls.add("activated " + epoch + ": " + why);
        }

        @Override
        public void suspended(String why) {
            calls.add("suspended: " + why);
        }

        @Override
        public void resumed(long epoch, String why) {
            calls.add("resumed " + epoch + ": " + why);
        }

        @Override
        public void demoted(String why) {
            calls.add("demoted: " + why);
        }

        List<String> kinds() {
            return calls.stream().map(c -> c.split("[ :]")[0]).toList();
        }
    }

    // ------------------------------------------------------------------ a failed activation

    @Test
    void aFailedActivationGivesTheLeaseUpSoThatAStandbyTakesOverAtOnceAndRetriesOnlyAfterATtl() {
        Roles failing = new Roles() {
            int calls;

            @Override
            public void activated(long epoch, String why) {
                super.activated(epoch, why);
                if (++calls == 1) throw new IllegalStateException("store read failed");
            }
        };
        LeaseKeeper a = new LeaseKeeper(store, "vigil-a", TTL, failing,
                () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()), Runnable::run);
        keepers.add(a);
        Keeper b = keeper("vigil-b");

        a.tick(); // takes the lease; the activation throws (logged by the role runner)
        assertThat(a.phase()).isEqualTo(Phase.ACTIVE);
        a.tick(); // the next step gives it up instead of renewing
        assertThat(a.phase()).isEqualTo(Phase.STANDBY);
        assertThat(a.isHolding()).isFalse();
        assertThat(failing.calls).containsExactly("activated 1: the lease was free (epoch 1)",
                "demoted: activation under epoch 1 failed: store read failed");
        assertThat(store.row().owner()).as("released, not left to expire").isNull();

        b.tick();
        assertThat(b.lease.phase()).as("the standby takes over without waiting for an expiry").isEqualTo(Phase.ACTIVE);
        assertThat(b.lease.epoch()).isEqualTo(2);

        b.lease.close(); // b goes away: a competes again, but only one TTL after it stepped down
        clock.advance(TTL.minusMillis(1));
        a.tick();
        assertThat(a.phase()).isEqualTo(Phase.STANDBY);
        clock.advance(Duration.ofMillis(1));
        a.tick();
        assertThat(a.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(failing.calls).last().asString().startsWith("activated 3");
    }

    // ------------------------------------------------------------------ taking and keeping the lease

    @Test
    void aFreeLeaseIsTakenAtTheFirstStep() {
        Keeper a = keeper("vigil-a");
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(a.lease.epoch()).isEqualTo(-1);
        assertThat(a.lease.isHolding()).isFalse();

        assertThat(a.tick()).as("next step: a renewal after ttl/3").isEqualTo(1000);
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.isHolding()).isTrue();
        assertThat(a.lease.epoch()).isEqualTo(1);
        assertThat(a.roles.calls).containsExactly("activated 1: the lease was free (epoch 1)");
        assertThat(store.row()).isEqualTo(new Lease(LeaseRepository.ACTIVE, "vigil-a", 1, clock.instant().plus(TTL)));
        assertThat(a.lease.lastKnown()).contains(store.row());
        assertThat(a.roles.leases).last().isEqualTo(store.row());
    }

    @Test
    void renewingBeforeExpiryKeepsTheEpochAndTheWindowMovesWithEachRenewal() {
        Keeper a = keeper("vigil-a");
        a.tick();
        for (int i = 0; i < 30; i++) { // 30 s: ten TTLs
            clock.advance(Duration.ofSeconds(1));
            assertThat(a.tick()).isEqualTo(1000);
            assertThat(a.lease.isHolding()).isTrue();
            a.lease.watchdog();
        }
        assertThat(a.lease.epoch()).isEqualTo(1);
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(store.row().epoch()).isEqualTo(1);
        assertThat(store.row().expiresAt()).isEqualTo(clock.instant().plus(TTL));
        assertThat(a.roles.calls).hasSize(1); // only the activation
        assertThat(a.roles.renewNanos).hasSize(30);
    }

    @Test
    void renewalLatencyIsReportedAndTheWindowCountsFromWhenTheRenewalStarted() {
        Keeper a = keeper("vigil-a");
        a.tick();
        clock.advance(Duration.ofSeconds(1));
        long started = clock.millis();
        store.latency = Duration.ofMillis(400); // the store takes 400 ms to answer the renewal
        a.tick();
        assertThat(a.roles.renewNanos).containsExactly(TimeUnit.MILLISECONDS.toNanos(400));
        // the store set the expiry 400 ms after the renewal started; the window still counts from the start
        assertThat(store.row().expiresAt()).isEqualTo(Instant.ofEpochMilli(started).plus(Duration.ofMillis(400)).plus(TTL));
        clock.set(started + WINDOW.toMillis() - 1);
        assertThat(a.lease.isHolding()).isTrue();
        clock.set(started + WINDOW.toMillis());
        assertThat(a.lease.isHolding()).isFalse();
    }

    @Test
    void aSecondKeeperCannotTakeAnUnexpiredLeaseAndWakesUpRightAfterItsExpiry() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        assertThat(b.tick()).as("a standby polls every ttl/5").isEqualTo(600);
        assertThat(b.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(b.lease.isHolding()).isFalse();
        assertThat(b.roles.calls).isEmpty();
        assertThat(b.lease.lastKnown()).contains(store.row());

        clock.advance(Duration.ofMillis(2900)); // a's lease expires in 100 ms
        assertThat(b.tick()).as("sleep until just after the expiry, by the store's clock").isEqualTo(120);
        assertThat(b.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(store.row().owner()).isEqualTo("vigil-a");
        assertThat(store.row().epoch()).isEqualTo(1);
    }

    // ------------------------------------------------------------------ takeover and the old holder

    @Test
    void afterTheTtlWithoutRenewalTheSecondKeeperTakesOverWithAHigherEpochAndTheOldHolderIsDemoted() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        b.tick();
        long aActiveAt = clock.millis();
        // a stops renewing (a GC pause, a hung connection): it stops emitting margin before its lease can expire
        FencedWrites writes = new FencedWrites(store);
        writes.attempt(a.lease);
        clock.set(aActiveAt + WINDOW.toMillis());
        assertThat(a.lease.isHolding()).isFalse();
        writes.attempt(a.lease);

        clock.set(aActiveAt + TTL.toMillis()); // expires_at is not before now yet: still a's
        b.tick();
        assertThat(b.lease.phase()).isEqualTo(Phase.STANDBY);
        clock.advance(Duration.ofMillis(1));
        assertThat(b.tick()).isEqualTo(1000);
        assertThat(b.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(b.lease.epoch()).isEqualTo(2);
        assertThat(b.roles.calls).containsExactly("activated 2: took over from vigil-a (epoch 2)");
        writes.attempt(b.lease);

        // a wakes up: its watchdog suspends it, its next renewal finds the lease gone, and it becomes a standby
        a.lease.watchdog();
        assertThat(a.lease.phase()).isEqualTo(Phase.SUSPENDED);
        writes.attempt(a.lease);
        assertThat(a.tick()).as("straight on to a standby step").isZero();
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(a.roles.calls).containsExactly(
                "activated 1: the lease was free (epoch 1)",
                "suspended: no successful lease renewal for 2250 ms; stopping 750 ms before the lease can expire",
                "demoted: another instance became active: the lease is now held by vigil-b (epoch 2)");
        for (int i = 0; i < 10; i++) {
            a.tick();
            writes.attempt(a.lease);
            clock.advance(Duration.ofMillis(300));
            b.tick();
            writes.attempt(b.lease);
        }
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(b.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(writes.accepted).as("epochs of the writes the store accepted").containsOnly(1L, 2L);
        assertThat(writes.acceptedBy("vigil-a")).containsExactly(1L); // before its window lapsed, never after
        assertThat(writes.refused).as("a fenced instance does not even try").isEmpty();
    }

    @Test
    void theOldHolderLearnsOnItsNextRenewalAttemptEvenWithoutTheWatchdog() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        clock.advance(TTL.plusMillis(1));
        b.tick();
        assertThat(b.lease.epoch()).isEqualTo(2);
        assertThat(a.lease.phase()).as("nobody told a yet").isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.isHolding()).as("but its window lapsed").isFalse();

        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(a.lease.isHolding()).isFalse();
        assertThat(a.lease.epoch()).as("the epoch it last held").isEqualTo(1);
        assertThat(a.roles.kinds()).containsExactly("activated", "suspended", "demoted");
        assertThat(a.roles.calls.get(1))
                .isEqualTo("suspended: the lease (epoch 1) could not be renewed: it expired or another instance took it");
        assertThat(store.renewals).contains("vigil-a@1 refused");
    }

    @Test
    void aHolderWhoseLeaseExpiredWithNobodyInBetweenTakesItBackAtEpochPlusOneAndResumes() {
        Keeper a = keeper("vigil-a");
        a.tick();
        clock.advance(Duration.ofSeconds(5)); // paused beyond the TTL, nobody else around
        a.lease.watchdog();
        assertThat(a.lease.phase()).isEqualTo(Phase.SUSPENDED);
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.isHolding()).isTrue();
        assertThat(a.lease.epoch()).isEqualTo(2);
        assertThat(a.roles.calls).containsExactly(
                "activated 1: the lease was free (epoch 1)",
                "suspended: no successful lease renewal for 2250 ms; stopping 750 ms before the lease can expire",
                "resumed 2: took the expired lease back with epoch 2; nobody was active in between");
    }

    @Test
    void aSuspendedHolderWhoseLeaseIsStillLiveResumesUnderTheSameEpoch() {
        Keeper a = keeper("vigil-a");
        a.tick();
        clock.advance(WINDOW); // its renewals were late, but the lease itself has 750 ms left
        a.lease.watchdog();
        assertThat(a.lease.phase()).isEqualTo(Phase.SUSPENDED);
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.epoch()).isEqualTo(1);
        assertThat(a.roles.calls).last().isEqualTo("resumed 1: the lease could be renewed again (epoch 1)");
    }

    @Test
    void aHolderWhoseLeaseSomeoneElseHeldAndReleasedIsDemotedThenActivatedFromTheStore() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        clock.advance(TTL.plusMillis(1));
        b.tick(); // epoch 2
        clock.advance(Duration.ofMillis(100));
        b.lease.close(); // releases: owner NULL, epoch 2 kept
        assertThat(store.row().owner()).isNull();

        // a's renewal fails; it can take the lease, but at epoch 3: b was active in between, so a's memory is stale
        assertThat(a.tick()).isZero();
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(a.roles.calls).last().asString().startsWith("demoted: ");
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.epoch()).isEqualTo(3);
        assertThat(a.roles.kinds()).containsExactly("activated", "suspended", "demoted", "activated");
        assertThat(a.roles.calls).last().asString().startsWith("activated 3: ");
    }

    @Test
    void closeReleasesTheLeaseSoThatAStandbyTakesItAtOnce() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        b.tick();
        a.lease.close();
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(store.row().owner()).isNull();
        assertThat(store.row().epoch()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        b.tick();
        assertThat(b.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(b.lease.epoch()).isEqualTo(2);
        assertThat(b.roles.calls).containsExactly("activated 2: took over from vigil-a (epoch 2)");
        assertThat(a.roles.calls).as("no listener calls after close").hasSize(1);
    }

    // ------------------------------------------------------------------ store outages and start-up

    @Test
    void aStoreOutageSuspendsTheHolderOnceItsWindowLapsesAndItGetsItsLeaseBackBeforeAnyStandby() {
        Keeper a = keeper("vigil-a");
        Keeper b = keeper("vigil-b");
        a.tick();
        b.tick();
        long renewedAt = clock.millis();
        store.down = true;
        clock.advance(Duration.ofSeconds(1));
        assertThat(a.tick()).as("retry soon").isEqualTo(200);
        assertThat(b.tick()).isEqualTo(200);
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.isHolding()).isTrue();
        clock.set(renewedAt + WINDOW.toMillis());
        assertThat(a.lease.isHolding()).isFalse();
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.SUSPENDED);
        assertThat(a.roles.calls).last().asString()
                .isEqualTo("suspended: the lease could not be renewed for 2250 ms (the store is down)");
        clock.advance(Duration.ofSeconds(10)); // a long outage: the lease expired long ago
        a.tick();
        b.tick();

        store.down = false;
        clock.advance(Duration.ofMillis(100));
        assertThat(b.tick()).as("the standby waits one TTL of working store").isEqualTo(600);
        assertThat(b.lease.phase()).isEqualTo(Phase.STANDBY);
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.epoch()).isEqualTo(2);
        assertThat(a.roles.calls).last().asString().startsWith("resumed 2: took the expired lease back");
        for (int i = 0; i < 4; i++) { // a renews as usual; the standby's wait ends, and it finds the lease held
            clock.advance(Duration.ofSeconds(1));
            a.tick();
            b.tick();
        }
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(b.lease.phase()).isEqualTo(Phase.STANDBY);
        assertThat(b.roles.calls).isEmpty();
        assertThat(store.row().owner()).isEqualTo("vigil-a");
    }

    @Test
    void aLiveLeaseUnderTheSameIdIsWaitedOutAtStartNotShared() {
        Keeper previous = keeper("vigil-a");
        previous.tick(); // a previous process with the same ha.instanceId, killed without releasing
        clock.advance(Duration.ofSeconds(1));
        Keeper a = keeper("vigil-a");
        assertThat(a.tick()).as("until the old lease expires, plus 20 ms").isEqualTo(2020);
        assertThat(a.lease.phase()).isEqualTo(Phase.STANDBY);
        clock.advance(Duration.ofMillis(2020));
        a.tick();
        assertThat(a.lease.phase()).isEqualTo(Phase.ACTIVE);
        assertThat(a.lease.epoch()).as("a new epoch, not the dead process's").isEqualTo(2);
    }

    @Test
    void aTtlBelow1sIsRefusedAndTheMarginIsAQuarterOfTheTtlAtLeast250ms() {
        assertThatThrownBy(() -> keeper("x", Duration.ofMillis(999))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ha.leaseTtl must be at least 1s");
        assertThat(LeaseKeeper.marginFor(Duration.ofSeconds(3))).isEqualTo(Duration.ofMillis(750));
        assertThat(LeaseKeeper.marginFor(Duration.ofMillis(500))).isEqualTo(Duration.ofMillis(250));
    }

    // ------------------------------------------------------------------ test doubles

    /**
     * Writes the way the server makes them: only while {@link LeaseKeeper#isHolding()}, carrying the keeper's epoch,
     * and accepted by the store only if that epoch is the lease's (StateWriter's check).
     */
    private static final class FencedWrites {
        final FakeLeases store;
        final List<Long> accepted = new ArrayList<>();
        final Map<String, List<Long>> acceptedByOwner = new HashMap<>();
        final List<String> refused = new ArrayList<>();

        FencedWrites(FakeLeases store) {
            this.store = store;
        }

        void attempt(LeaseKeeper k) {
            if (!k.isHolding()) return;
            if (k.epoch() == store.row().epoch()) {
                accepted.add(k.epoch());
                acceptedByOwner.computeIfAbsent(k.owner(), o -> new ArrayList<>()).add(k.epoch());
            } else {
                refused.add(k.owner() + "@" + k.epoch());
            }
        }

        List<Long> acceptedBy(String owner) {
            return acceptedByOwner.getOrDefault(owner, List.of()).stream().distinct().toList();
        }
    }

    /**
     * One lease row in memory with {@link LeaseRepository}'s rules, on the manual clock: taking a lease that is free,
     * expired or held by someone else increments the epoch, re-taking one's own live lease keeps it; a renewal needs
     * owner, epoch and a live lease; expiry means {@code expires_at < now}. {@link #down} makes every call fail;
     * {@link #latency} moves the clock during each call, like a slow store.
     */
    static final class FakeLeases implements LeaseKeeper.LeaseStore {
        private final ManualClock clock;
        private Lease row;
        boolean down;
        Duration latency = Duration.ZERO;
        final List<String> renewals = new ArrayList<>();

        FakeLeases(ManualClock clock) {
            this.clock = clock;
        }

        Lease row() {
            return row;
        }

        private Instant now() {
            if (down) throw new IllegalStateException("the store is down");
            clock.advance(latency);
            return clock.instant();
        }

        @Override
        public synchronized Optional<Lease> tryAcquire(String name, String owner, Duration ttl) {
            Instant now = now();
            if (row == null) row = new Lease(name, null, 0, now.minusSeconds(1));
            boolean live = !row.expiresAt().isBefore(now);
            boolean own = owner.equals(row.owner());
            if (live && !own) return Optional.empty();
            row = new Lease(name, owner, own && live ? row.epoch() : row.epoch() + 1, now.plus(ttl));
            return Optional.of(row);
        }

        @Override
        public synchronized boolean renew(String name, String owner, long epoch, Duration ttl) {
            Instant now = now();
            boolean ok = row != null && owner.equals(row.owner()) && row.epoch() == epoch && !row.expiresAt().isBefore(now);
            if (ok) row = new Lease(name, owner, epoch, now.plus(ttl));
            renewals.add(owner + "@" + epoch + (ok ? " renewed" : " refused"));
            return ok;
        }

        @Override
        public synchronized Optional<Lease> current(String name) {
            now();
            return Optional.ofNullable(row);
        }

        @Override
        public synchronized boolean release(String name, String owner) {
            Instant now = now();
            if (row == null || !owner.equals(row.owner())) return false;
            row = new Lease(name, null, row.epoch(), now.minusSeconds(1));
            return true;
        }

        @Override
        public synchronized Instant databaseTime() {
            return now();
        }
    }
}

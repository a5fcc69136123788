package io.vigil.store.lease;

import io.vigil.store.Database;
import io.vigil.store.testing.StoreTest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LeaseRepositoryTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private static final Duration SHORT = Duration.ofMillis(50);

    @StoreTest
    void theFirstOwnerTakesAFreeLeaseAtEpochOne(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        Lease lease = leases.tryAcquire("active", "a", LONG).orElseThrow();

        assertThat(lease.owner()).isEqualTo("a");
        assertThat(lease.epoch()).isEqualTo(1);
        assertThat(lease.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(30));
        assertThat(leases.current("active")).contains(lease);
    }

    @StoreTest
    void aLiveLeaseIsRefusedToOthersAndReacquiredByItsOwnerUnderTheSameEpoch(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        long epoch = leases.tryAcquire("active", "a", LONG).orElseThrow().epoch();

        assertThat(leases.tryAcquire("active", "b", LONG)).isEmpty();
        assertThat(leases.tryAcquire("active", "a", LONG)).get().extracting(Lease::epoch).isEqualTo(epoch);
    }

    @StoreTest
    void concurrentContendersProduceExactlyOneWinner(Database db) throws Exception {
        LeaseRepository leases = new LeaseRepository(db);
        int contenders = 6;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "race-" + round;
                CyclicBarrier start = new CyclicBarrier(contenders);
                List<Future<Optional<Lease>>> results = new ArrayList<>();
                for (int i = 0; i < contenders; i++) {
                    String owner = "owner-" + i;
                    results.add(pool.submit(() -> {
                        start.await();
                        return leases.tryAcquire(name, owner, LONG);
                    }));
                }
                List<Lease> winners = new ArrayList<>();
                for (Future<Optional<Lease>> f : results) f.get().ifPresent(winners::add);

                assertThat(winners).as("winners of %s", name).hasSize(1);
                assertThat(leases.current(name)).get().extracting(Lease::owner).isEqualTo(winners.get(0).owner());
                assertThat(winners.get(0).epoch()).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @StoreTest
    void anExpiredLeaseIsTakenOverWithTheNextEpoch(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        long first = leases.tryAcquire("active", "a", SHORT).orElseThrow().epoch();

        Lease taken = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                .until(() -> leases.tryAcquire("active", "b", LONG), Optional::isPresent).orElseThrow();

        assertThat(taken.owner()).isEqualTo("b");
        assertThat(taken.epoch()).isEqualTo(first + 1);
        assertThat(leases.renew("active", "a", first, LONG)).isFalse();
    }

    @StoreTest
    void reacquiringOnesOwnExpiredLeaseStillIncrementsTheEpoch(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        Lease lease = leases.tryAcquire("active", "a", SHORT).orElseThrow();
        long first = lease.epoch();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10))
                .until(() -> leases.databaseTime().isAfter(lease.expiresAt()));

        assertThat(leases.renew("active", "a", first, LONG)).as("renewing an expired lease").isFalse();
        assertThat(leases.tryAcquire("active", "a", LONG)).get().extracting(Lease::epoch).isEqualTo(first + 1);
    }

    @StoreTest
    void renewExtendsOnlyForTheOwnerUnderItsEpoch(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        Lease lease = leases.tryAcquire("active", "a", Duration.ofSeconds(10)).orElseThrow();

        assertThat(leases.renew("active", "b", lease.epoch(), LONG)).as("non-owner").isFalse();
        assertThat(leases.renew("active", "a", lease.epoch() + 1, LONG)).as("wrong epoch").isFalse();
        assertThat(leases.renew("active", "a", lease.epoch(), LONG)).as("owner").isTrue();
        assertThat(leases.current("active").orElseThrow().expiresAt()).isAfter(lease.expiresAt());
    }

    @StoreTest
    void releaseLetsAnotherOwnerTakeOverAtOnce(Database db) {
        LeaseRepository leases = new LeaseRepository(db);
        long first = leases.tryAcquire("active", "a", LONG).orElseThrow().epoch();

        assertThat(leases.release("active", "b")).as("not b's to release").isFalse();
        assertThat(leases.release("active", "a")).isTrue();

        assertThat(leases.current("active")).get().extracting(Lease::owner).isNull();
        assertThat(leases.tryAcquire("active", "b", LONG)).get().extracting(Lease::epoch).isEqualTo(first + 1);
    }

    @StoreTest
    void currentIsEmptyForALeaseNeverTaken(Database db) {
        assertThat(new LeaseRepository(db).current("nobody")).isEmpty();
    }
}

package io.vigil.store.lease;

import io.vigil.store.Database;
import io.vigil.store.Dialect;
import io.vigil.store.testing.StoreTest;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

class PausedWriterTest {

    /**
     * The HA SIGSTOP case: the old active stops between locking the lease row and committing. The server ends its
     * idle transaction, the standby takes over within seconds, and the old transaction can no longer commit.
     */
    @StoreTest
    void aWriterPausedInsideAFencedTransactionDoesNotBlockTakeover(Database db) throws Exception {
        assumeThat(db.dialect()).as("only PostgreSQL is shared between instances").isEqualTo(Dialect.POSTGRESQL);
        LeaseRepository leases = new LeaseRepository(db);
        Lease old = leases.tryAcquire(LeaseRepository.ACTIVE, "old", Duration.ofMillis(100)).orElseThrow();

        Connection paused = db.dataSource().getConnection();
        try {
            paused.setAutoCommit(false);
            LeaseRepository.lockActiveEpoch(paused); // ... and then the process stops
            await().atMost(Duration.ofSeconds(15)).until(() -> leases.databaseTime().isAfter(old.expiresAt()));

            long t0 = System.nanoTime();
            Optional<Lease> taken = leases.tryAcquire(LeaseRepository.ACTIVE, "new", Duration.ofSeconds(5));
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(taken).get().extracting(Lease::epoch).isEqualTo(old.epoch() + 1);
            assertThat(waitedMillis).isLessThan(4_000);
            assertThatThrownBy(paused::commit).as("the old writer resumes").isInstanceOf(SQLException.class);
        } finally {
            try {
                paused.close();
            } catch (SQLException expected) {
                // the server already terminated this session
            }
        }
    }
}

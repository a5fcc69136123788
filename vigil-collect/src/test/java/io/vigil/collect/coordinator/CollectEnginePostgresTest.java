package io.vigil.collect.coordinator;

import io.vigil.store.Database;
import io.vigil.store.testing.TestDatabases;

/**
 * {@link CollectEngineTest} on a fresh PostgreSQL database: the journal, snapshot and outbox SQL of the pull side, and
 * the engine restart with snapshot + replay that loses and repeats nothing. Skipped (loudly) only when PostgreSQL is
 * unreachable and CI is unset.
 */
class CollectEnginePostgresTest extends CollectEngineTest {
    private TestDatabases.FreshPostgres pg;

    @Override
    Database openDatabase() {
        pg = TestDatabases.freshPostgres();
        return pg.database();
    }

    @Override
    void closeDatabase() {
        if (pg != null) pg.close();
    }
}

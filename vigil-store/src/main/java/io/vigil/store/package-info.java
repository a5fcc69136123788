/**
 * The store's database: a HikariCP pool over H2 (embedded file) or PostgreSQL, migrated by Flyway from one migration
 * set, its SQL dialect, transactions, and the exceptions a failed or unreachable database raises.
 */
package io.vigil.store;

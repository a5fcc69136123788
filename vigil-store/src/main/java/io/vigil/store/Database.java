package io.vigil.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The store's database: a HikariCP pool over H2 (embedded file, the default) or PostgreSQL, migrated by Flyway
 * from the single migration set in {@code db/migration} when opened.
 *
 * <p>Opening a PostgreSQL URL whose database does not exist creates it (connecting to the {@code postgres}
 * maintenance database), so an operator only has to point Vigil at a server. Failures to connect raise a
 * {@link StoreUnavailableException} that names the URL (password redacted) and what to check.
 *
 * <p>Thread-safe. {@link #close()} closes the pool; repositories built on a closed database fail.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Pool size: a few writers (state, checkpoint, outbox relay, lease) and the API's readers. */
    private static final int DEFAULT_POOL_SIZE = 8;

    /**
     * PostgreSQL session limits. A writer that stops inside a transaction (SIGSTOP, a long GC pause, a hung host)
     * would otherwise hold the {@code active} lease row lock forever and block the standby's takeover: the server
     * ends a session idle in a transaction after {@value #IDLE_IN_TRANSACTION_MS} ms, which is well under the
     * default lease TTL (5 s), and no statement waits for a lock longer than {@value #LOCK_TIMEOUT_MS} ms.
     */
    static final int IDLE_IN_TRANSACTION_MS = 2_000;
    static final int LOCK_TIMEOUT_MS = 10_000;
    private static final String POSTGRES_SESSION = "SET idle_in_transaction_session_timeout = "
            + IDLE_IN_TRANSACTION_MS + "; SET lock_timeout = " + LOCK_TIMEOUT_MS;
    /** H2 waits 1 s for a row lock by default; under load on small machines that fails healthy writers. */
    private static final String H2_SESSION = "SET LOCK_TIMEOUT " + LOCK_TIMEOUT_MS;

    private final String url;
    private final Dialect dialect;
    private final HikariDataSource pool;
    private final io.vigil.store.deadletter.DeadLetters deadLetters = new io.vigil.store.deadletter.DeadLetters(this);
    /** Size of the outbox's tail in memory; 0 turns it off (every relay read goes to the store). For benchmarks. */
    static final String TAIL_BYTES_PROPERTY = "vigil.outbox.tailBytes";
    private final io.vigil.store.outbox.OutboxTail outboxTail = new io.vigil.store.outbox.OutboxTail(
            Long.getLong(TAIL_BYTES_PROPERTY, io.vigil.store.outbox.OutboxTail.DEFAULT_MAX_BYTES));

    private Database(String url, Dialect dialect, HikariDataSource pool) {
        this.url = url;
        this.dialect = dialect;
        this.pool = pool;
    }

    /** The default H2 file database {@code <dataDir>/vigil.mv.db}, created on first use. */
    public static Database h2File(Path dataDir) {
        return open(h2FileUrl(dataDir), "sa", "");
    }

    /**
     * A throwaway H2 file database in {@code dir} for Vigil's own use (the alarm path's warm-up), opened like
     * {@link #h2File} but without the "Store open" line: operators see one store, the one they configured.
     */
    public static Database h2Scratch(Path dir) {
        return open(h2FileUrl(dir), "sa", "", false);
    }

    /**
     * The JDBC URL of the H2 file store in {@code dataDir}, in the PostgreSQL compatibility mode the SQL needs. H2's
     * page cache keeps its default (16 MiB): 128 MiB did not make a 100k-source storm faster (docs/benchmarks.md § 5,
     * session 7).
     */
    public static String h2FileUrl(Path dataDir) {
        String dir = dataDir.toAbsolutePath().normalize().toString().replace('\\', '/');
        // DB_CLOSE_ON_EXIT=FALSE: Vigil closes the store itself after its last checkpoint; H2's own JVM hook would close it first
        return "jdbc:h2:file:" + dir + "/vigil;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * Opens (and for PostgreSQL, creates if missing) the database at {@code jdbcUrl}, then runs the migrations.
     *
     * @throws StoreUnavailableException when it cannot be reached or opened
     * @throws StoreException            when a migration fails
     */
    public static Database open(String jdbcUrl, String user, String password) {
        return open(jdbcUrl, user, password, true);
    }

    private static Database open(String jdbcUrl, String user, String password, boolean announce) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Dialect dialect = Dialect.of(jdbcUrl);
        if (dialect == Dialect.POSTGRESQL) PostgresBootstrap.ensureDatabaseExists(jdbcUrl, user, password);

        HikariConfig config = new HikariConfig();
        config.setPoolName("vigil-store");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(DEFAULT_POOL_SIZE);
        config.setConnectionTimeout(10_000);
        // Fail at startup, with our message, instead of on the first query.
        config.setInitializationFailTimeout(1);
        config.setConnectionInitSql(dialect == Dialect.POSTGRESQL ? POSTGRES_SESSION : H2_SESSION);
        if (dialect == Dialect.POSTGRESQL) {
            // Rewrites a JDBC batch of INSERTs into multi-row INSERTs: ~2x checkpoint throughput (STACK.md).
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            config.addDataSourceProperty("ApplicationName", "vigil");
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw unavailable(jdbcUrl, user, dialect, e);
        }
        Database db = new Database(jdbcUrl, dialect, pool);
        try {
            db.migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        if (announce) log.info("Store open: {} ({})", redact(jdbcUrl), dialect);
        return db;
    }

    private void migrate() {
        try {
            Flyway.configure(Database.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StoreException("Migrating the store schema at " + redact(url) + " failed: " + e.getMessage()
                    + ". If this database was written by a newer Vigil, run that version or restore a backup.", e);
        }
    }

    static StoreUnavailableException unavailable(String url, String user, Dialect dialect, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String check = dialect == Dialect.H2
                ? "Check that the data directory exists and is writable, and that no other Vigil process has this "
                  + "database file open (H2 file databases are single-process)."
                : "Check that PostgreSQL is running and reachable at that host and port, that user '" + user
                  + "' and its password are right (store.user/store.password, or ONAP pg_userName/pg_passwd), "
                  + "and that pg_hba.conf admits this host.";
        return new StoreUnavailableException("Cannot open the store at " + redact(url) + ": " + root.getMessage()
                + ". " + check, e);
    }

    /** Runs {@code work} in one transaction: committed if it returns, rolled back if it throws. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
            // No need to restore auto-commit: HikariCP resets it when the connection returns to the pool.
        } catch (SQLException e) {
            throw new StoreException("Store transaction failed on " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode (single statements, reads). */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("Store operation failed on " + redact(url) + ": " + e.getMessage(), e);
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** The dead-letter table of this store, shared by every writer (one set of counts per store). */
    public io.vigil.store.deadletter.DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * The outbox rows this process's writers committed last, shared by every writer and reader of this store (one
     * tail per {@code Database}, as the outbox is one per store).
     */
    public io.vigil.store.outbox.OutboxTail outboxTail() {
        return outboxTail;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The JDBC URL with any password parameter redacted, for logs and status pages. */
    public String displayUrl() {
        return redact(url);
    }

    /** The pool, for components that run their own SQL (e.g. collectors). */
    public DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Removes {@code password=...} values from a JDBC URL. */
    static String redact(String jdbcUrl) {
        if (jdbcUrl == null) return null;
        return jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}

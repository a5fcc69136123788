package io.vigil.store.testing;

import io.vigil.store.Database;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

/**
 * Databases for tests, shared with other modules through vigil-store's test-jar.
 *
 * <ul>
 *   <li>{@link #h2(Path)}: an H2 file store in a directory (use a JUnit {@code @TempDir}).</li>
 *   <li>{@link #freshPostgres()}: a new, empty PostgreSQL database {@code vigil_test_<random>} on the machine's
 *       server, dropped when closed.</li>
 * </ul>
 *
 * <p>The PostgreSQL rule: when the server cannot be reached, tests are <b>skipped</b> with a loud warning only if
 * the environment variable {@code CI} is unset; under CI they <b>fail</b>. Server coordinates come from
 * {@code VIGIL_TEST_PG_HOST} (default 127.0.0.1), {@code VIGIL_TEST_PG_PORT} (5432), {@code VIGIL_TEST_PG_USER}
 * (postgres) and {@code VIGIL_TEST_PG_PASSWORD} (empty: trust authentication).
 */
public final class TestDatabases {
    private TestDatabases() {
    }

    /** An H2 file store in {@code dir}, migrated. Close it when done. */
    public static Database h2(Path dir) {
        return Database.h2File(dir);
    }

    /** The JDBC URL of database {@code name} on the test PostgreSQL server. */
    public static String postgresUrl(String name) {
        return "jdbc:postgresql://" + env("VIGIL_TEST_PG_HOST", "127.0.0.1") + ":" + env("VIGIL_TEST_PG_PORT", "5432")
                + "/" + name;
    }

    public static String postgresUser() {
        return env("VIGIL_TEST_PG_USER", "postgres");
    }

    public static String postgresPassword() {
        return env("VIGIL_TEST_PG_PASSWORD", "");
    }

    /**
     * A fresh PostgreSQL database (created by {@link Database#open}, which also exercises create-if-missing),
     * migrated and dropped on {@link FreshPostgres#close()}.
     *
     * @throws TestAbortedException when the server is unreachable and CI is unset (the test is skipped)
     * @throws IllegalStateException when the server is unreachable under CI (the test fails)
     */
    public static FreshPostgres freshPostgres() {
        requirePostgres();
        String name = "vigil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = postgresUrl(name);
        Database db = Database.open(url, postgresUser(), postgresPassword());
        return new FreshPostgres(name, url, db);
    }

    /** Aborts (skips) or fails the calling test when PostgreSQL is unreachable, per the CI rule above. */
    public static void requirePostgres() {
        SQLException problem = probePostgres();
        if (problem == null) return;
        String where = postgresUrl("postgres") + " as " + postgresUser();
        if (System.getenv("CI") != null) {
            throw new IllegalStateException("PostgreSQL at " + where + " is unreachable and CI is set: PostgreSQL "
                    + "tests must run in CI. Start the server or fix VIGIL_TEST_PG_*. Cause: " + problem.getMessage(),
                    problem);
        }
        String banner = "!".repeat(100);
        System.err.println(banner + "\n!!! WARNING: PostgreSQL at " + where + " is unreachable ("
                + problem.getMessage() + ").\n!!! PostgreSQL store tests are SKIPPED (CI is unset). "
                + "They would FAIL under CI.\n" + banner);
        throw new TestAbortedException("PostgreSQL unreachable at " + where + " and CI unset: skipped");
    }

    private static SQLException probePostgres() {
        try (Connection ignored = DriverManager.getConnection(postgresUrl("postgres"), props())) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    static void dropPostgres(String name) {
        try (Connection c = DriverManager.getConnection(postgresUrl("postgres"), props());
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("WARNING: could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static Properties props() {
        Properties p = new Properties();
        p.setProperty("user", postgresUser());
        p.setProperty("password", postgresPassword());
        p.setProperty("connectTimeout", "3");
        return p;
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A PostgreSQL database that exists for one test run; closing closes the pool and drops the database. */
    public record FreshPostgres(String name, String url, Database database) implements AutoCloseable {
        @Override
        public void close() {
            database.close();
            dropPostgres(name);
        }
    }
}

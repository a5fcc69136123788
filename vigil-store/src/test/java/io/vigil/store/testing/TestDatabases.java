package io.vigil.store.testing;

import io.vigil.store.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Databases for tests, shared with other modules through vigil-store's test-jar.
 *
 * <ul>
 *   <li>{@link #h2(Path)}: an H2 file store in a directory (use a JUnit {@code @TempDir}).</li>
 *   <li>{@link #freshPostgres()}: a new, empty PostgreSQL database {@code vigil_test_<random>}, dropped when
 *       closed.</li>
 * </ul>
 *
 * <p>Which PostgreSQL server: the machine's, at {@code VIGIL_TEST_PG_HOST} (default 127.0.0.1) and
 * {@code VIGIL_TEST_PG_PORT} (5432) as {@code VIGIL_TEST_PG_USER} (postgres) with {@code VIGIL_TEST_PG_PASSWORD}
 * (empty: trust authentication), when it answers. When it does not, a real PostgreSQL is started from Maven's
 * binaries for this test JVM ({@link EmbeddedPostgresServer}), so PostgreSQL tests never skip. Under CI (the
 * environment variable {@code CI} set) the machine's server must answer: CI tests against it, and fails otherwise.
 */
public final class TestDatabases {
    private static Server server;
    private static RuntimeException unavailable; // why no server could be had, so later tests fail at once

    private TestDatabases() {
    }

    /** The PostgreSQL server the tests use; {@code embedded} is null for the machine's own server. */
    private record Server(String host, int port, String user, String password, EmbeddedPostgresServer embedded) {
    }

    private static synchronized Server server() {
        if (server != null) return server;
        if (unavailable != null) throw unavailable;
        String host = env("VIGIL_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("VIGIL_TEST_PG_PORT", "5432"));
        Server machine = new Server(host, port, env("VIGIL_TEST_PG_USER", "postgres"), env("VIGIL_TEST_PG_PASSWORD", ""), null);
        SQLException problem = probe(machine);
        if (problem == null) return server = machine;
        String where = url(machine, "postgres") + " as " + machine.user();
        if (System.getenv("CI") != null) {
            throw unavailable = new IllegalStateException("PostgreSQL at " + where + " is unreachable and CI is set: CI tests against "
                    + "the machine's server. Start it or fix VIGIL_TEST_PG_*. Cause: " + problem.getMessage(), problem);
        }
        long t0 = System.nanoTime();
        EmbeddedPostgresServer embedded;
        try {
            embedded = EmbeddedPostgresServer.start();
        } catch (RuntimeException e) {
            throw unavailable = new IllegalStateException("PostgreSQL at " + where + " does not answer ("
                    + problem.getMessage() + ") and starting an embedded one failed: " + e.getMessage(), e);
        }
        server = new Server("127.0.0.1", embedded.port(), "postgres", "", embedded);
        System.err.printf("PostgreSQL at %s does not answer (%s): started an embedded PostgreSQL from Maven on port %d "
                + "in %d ms for this test run%n", where, problem.getMessage(), embedded.port(), (System.nanoTime() - t0) / 1_000_000);
        return server;
    }

    /** An H2 file store in {@code dir}, migrated. Close it when done. */
    public static Database h2(Path dir) {
        return Database.h2File(dir);
    }

    /** The JDBC URL of database {@code name} on the test PostgreSQL server. */
    public static String postgresUrl(String name) {
        return url(server(), name);
    }

    public static String postgresHost() {
        return server().host();
    }

    public static int postgresPort() {
        return server().port();
    }

    public static String postgresUser() {
        return server().user();
    }

    public static String postgresPassword() {
        return server().password();
    }

    /**
     * A fresh PostgreSQL database (created by {@link Database#open}, which also exercises create-if-missing),
     * migrated and dropped on {@link FreshPostgres#close()}.
     *
     * @throws IllegalStateException when the machine's server is unreachable under CI
     */
    public static FreshPostgres freshPostgres() {
        String name = "vigil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = postgresUrl(name);
        Database db = Database.open(url, postgresUser(), postgresPassword());
        return new FreshPostgres(name, url, db);
    }

    /** Makes sure a PostgreSQL server answers (starting the embedded one if needed), per the rule above. */
    public static void requirePostgres() {
        server();
    }

    /**
     * Restarts the test PostgreSQL server (a store outage of a few seconds): the embedded one in place, the
     * machine's through {@code pg_ctlcluster} (so only where the tests may restart it, as in CI).
     */
    public static void restartPostgres() throws IOException, InterruptedException {
        Server s = server();
        if (s.embedded() != null) {
            s.embedded().restart();
            return;
        }
        String version;
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            version = versions.findFirst().orElseThrow().getFileName().toString();
        }
        Process p = new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart")
                .redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done || p.exitValue() != 0) {
            // never leave the machine's server down
            new ProcessBuilder("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start").inheritIO().start()
                    .waitFor(60, TimeUnit.SECONDS);
            throw new IllegalStateException("restarting PostgreSQL failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }

    private static String url(Server s, String name) {
        return "jdbc:postgresql://" + s.host() + ":" + s.port() + "/" + name;
    }

    private static SQLException probe(Server s) {
        try (Connection ignored = DriverManager.getConnection(url(s, "postgres"), props(s))) {
            return null;
        } catch (SQLException e) {
            return e;
        }
    }

    static void dropPostgres(String name) {
        try (Connection c = DriverManager.getConnection(postgresUrl("postgres"), props(server()));
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("WARNING: could not drop test database " + name + ": " + e.getMessage());
        }
    }

    private static Properties props(Server s) {
        Properties p = new Properties();
        p.setProperty("user", s.user());
        p.setProperty("password", s.password());
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

package io.vigil.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Creates the PostgreSQL database named by a JDBC URL when it does not exist yet, as ONAP's service did:
 * operators configure a server and a database name, not a schema setup step.
 */
final class PostgresBootstrap {
    private static final Logger log = LoggerFactory.getLogger(PostgresBootstrap.class);
    private static final String INVALID_CATALOG = "3D000";
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String UNIQUE_VIOLATION = "23505";

    private PostgresBootstrap() {
    }

    static void ensureDatabaseExists(String url, String user, String password) {
        try (Connection ignored = DriverManager.getConnection(url, props(user, password))) {
            return; // it exists and we may connect: nothing to do
        } catch (SQLException e) {
            if (!INVALID_CATALOG.equals(e.getSQLState())) throw Database.unavailable(url, user, Dialect.POSTGRESQL, e);
        }
        String name = databaseName(url);
        String maintenanceUrl = withDatabase(url, "postgres");
        if (name == null || maintenanceUrl == null)
            throw new StoreUnavailableException("The database in " + Database.redact(url) + " does not exist and the "
                    + "URL has no jdbc:postgresql://host:port/database form to create it from. Create it by hand.", null);
        try (Connection c = DriverManager.getConnection(maintenanceUrl, props(user, password));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            log.info("Created PostgreSQL database {}", name);
        } catch (SQLException e) {
            // Another instance created it at the same moment: fine.
            if (DUPLICATE_DATABASE.equals(e.getSQLState()) || UNIQUE_VIOLATION.equals(e.getSQLState())) return;
            throw new StoreUnavailableException("The database '" + name + "' of " + Database.redact(url)
                    + " does not exist and creating it failed: " + e.getMessage() + ". Create it by hand "
                    + "(CREATE DATABASE \"" + name + "\") or grant user '" + user + "' the CREATEDB privilege.", e);
        }
    }

    private static Properties props(String user, String password) {
        Properties p = new Properties();
        if (user != null) p.setProperty("user", user);
        if (password != null) p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        return p;
    }

    /** The database of a {@code jdbc:postgresql://hosts/db?params} URL, or null if it has none. */
    static String databaseName(String url) {
        int[] span = databaseSpan(url);
        return span == null ? null : url.substring(span[0], span[1]);
    }

    /** The same URL naming another database, or null when the URL has no //hosts/db form. */
    static String withDatabase(String url, String database) {
        int[] span = databaseSpan(url);
        return span == null ? null : url.substring(0, span[0]) + database + url.substring(span[1]);
    }

    private static int[] databaseSpan(String url) {
        String prefix = "jdbc:postgresql://";
        if (!url.startsWith(prefix)) return null;
        int slash = url.indexOf('/', prefix.length());
        if (slash < 0) return null;
        int end = url.indexOf('?', slash);
        if (end < 0) end = url.length();
        return end > slash + 1 ? new int[] {slash + 1, end} : null;
    }
}

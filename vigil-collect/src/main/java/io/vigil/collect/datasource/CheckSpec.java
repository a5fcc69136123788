package io.vigil.collect.datasource;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an entity's state is found. A closed set; YAML {@code check: {type: tcp|http|command|database|none, ...}}.
 * Every check has a timeout; a check never throws, it reports a failed state instead.
 */
public sealed interface CheckSpec {
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    Duration timeout();

    /** Connect to {@code ip:port}: the "ssh answering" check is a tcp check on port 22. */
    record Tcp(int port, Duration timeout) implements CheckSpec {
        public Tcp {
            if (port < 1 || port > 65535) throw new IllegalArgumentException("tcp check port must be 1-65535, got " + port);
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
        }
    }

    /**
     * {@code GET url} (or {@code http://ip:port/path} when url is null): passes on {@code expectStatus} (2xx when
     * null) and, when {@code field} is set, when that JSON field (dot path) equals {@code expect} (case-insensitive).
     */
    record Http(String url, Integer port, String path, Integer expectStatus, String field, String expect,
                Duration timeout) implements CheckSpec {
        public Http {
            if (url == null && port == null) throw new IllegalArgumentException("http check needs url or port");
            if (path == null) path = "/";
            if (field != null && expect == null) expect = "UP";
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
        }
    }

    /**
     * Runs {@code command} with {@code VIGIL_ENTITY_NAME}, {@code VIGIL_ENTITY_IP} in its environment: exit code 0
     * passes; a JSON object on stdout with {@code state}/{@code status}/{@code code} overrides the outcome.
     */
    record Command(List<String> command, Duration timeout) implements CheckSpec {
        public Command {
            Objects.requireNonNull(command, "command");
            if (command.isEmpty()) throw new IllegalArgumentException("command check needs a command");
            command = List.copyOf(command);
            if (timeout == null) timeout = Duration.ofSeconds(10);
        }
    }

    /**
     * Opens a JDBC connection to {@code url} ({@code {ip}} in it is replaced by the entity's ip) and asks
     * {@link java.sql.Connection#isValid}: passes when the database answers within the timeout; otherwise the state is
     * {@code database communication failure}, code {@link StatusCodes#DATABASE_FAILURE} ({@code ER0003}).
     * PostgreSQL and H2 drivers are built in. {@code password} is a secret: never logged or echoed.
     */
    record Database(String url, String user, String password, Duration timeout) implements CheckSpec {
        public Database {
            Objects.requireNonNull(url, "url");
            if (!url.startsWith("jdbc:")) throw new IllegalArgumentException("database check url must be a JDBC URL (jdbc:…), got " + url);
            if (timeout == null) timeout = DEFAULT_TIMEOUT;
        }

        /** The URL for one entity. */
        public String urlFor(String ip) {
            return ip == null ? url : url.replace("{ip}", ip);
        }

        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "****") + ", timeout=" + timeout + "]";
        }
    }

    /** No check: the declared entity is reported {@code running}. */
    record None() implements CheckSpec {
        @Override
        public Duration timeout() {
            return Duration.ZERO;
        }
    }
}

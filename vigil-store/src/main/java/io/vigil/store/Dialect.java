package io.vigil.store;

/**
 * The SQL dialect behind a {@link Database}. Repositories share one portable SQL text where it costs nothing
 * and switch on the dialect where a native form pays (e.g. PostgreSQL {@code ON CONFLICT DO UPDATE}, which is
 * race-safe, versus standard {@code MERGE} on H2, which does not know {@code DO UPDATE}).
 */
public enum Dialect {
    /** Embedded H2 in PostgreSQL compatibility mode: the single-instance default. */
    H2,
    /** PostgreSQL: production and the only store that instances can share for HA. */
    POSTGRESQL;

    /** The dialect a JDBC URL names, or an error telling the user which URLs are supported. */
    public static Dialect of(String jdbcUrl) {
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:h2:")) return H2;
        if (jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        throw new IllegalArgumentException("Unsupported store URL '" + Database.redact(jdbcUrl)
                + "': use jdbc:h2:file:<dir>/vigil (embedded) or jdbc:postgresql://<host>:<port>/<database>");
    }
}

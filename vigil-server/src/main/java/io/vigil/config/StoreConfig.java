package io.vigil.config;

import io.vigil.store.Database;
import org.jspecify.annotations.Nullable;
import java.nio.file.Path;

/**
 * The JDBC store. YAML section {@code store}; ONAP keys {@code pg_*}.
 * A null {@code url} means "the embedded default": an H2 file database under the data directory,
 * which only the server knows ({@code --data-dir}, default {@code ./data}); call {@link #jdbcUrl(Path)}.
 *
 * @param url      JDBC URL, or null for the embedded H2 default
 * @param user     JDBC user, or null
 * @param password JDBC password, or null (never printed by {@link #toString()})
 */
public record StoreConfig(@Nullable String url, @Nullable String user, @Nullable String password) {
    /** The data directory used when {@code --data-dir} is not given. */
    public static final Path DEFAULT_DATA_DIR = Path.of("data");

    public static StoreConfig defaults() {
        return new StoreConfig(null, null, null);
    }

    /** True when no URL was configured and the embedded H2 file store is meant. */
    public boolean isDefault() {
        return url == null;
    }

    /** The configured URL, or the embedded H2 file URL {@code jdbc:h2:file:<dataDir>/vigil;…} ({@link Database#h2FileUrl}). */
    public String jdbcUrl(Path dataDir) {
        if (url != null) return url;
        return Database.h2FileUrl(dataDir == null ? DEFAULT_DATA_DIR : dataDir);
    }

    /** True for a PostgreSQL URL: the store every HA instance can share. */
    public boolean isPostgres() {
        return url != null && url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
        return "StoreConfig[url=" + (url == null ? "(embedded H2 under the data dir)" : url)
                + ", user=" + user + ", password=" + (password == null ? null : "******") + "]";
    }
}

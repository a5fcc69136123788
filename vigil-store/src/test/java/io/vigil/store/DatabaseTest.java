package io.vigil.store;

import io.vigil.store.testing.StoreTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseTest {

    @StoreTest
    void migrationsCreateEveryTable(Database db) {
        List<String> tables = db.withConnection(c -> {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) names.add(rs.getString("TABLE_NAME").toLowerCase());
            }
            return names;
        });
        assertThat(tables).contains("monitors", "sources", "outbox", "sink_cursor", "lease", "config",
                "flyway_schema_history");
    }

    @Test
    void reopeningAnH2FileKeepsDataAndMigratesOnlyOnce(@TempDir Path dir) {
        try (Database db = Database.h2File(dir)) {
            assertThat(db.dialect()).isEqualTo(Dialect.H2);
            db.withConnection(c -> c.createStatement().executeUpdate(
                    "INSERT INTO config (name, content, version, updated_at) VALUES ('x', 'y', 1, CURRENT_TIMESTAMP)"));
        }
        try (Database db = Database.h2File(dir)) {
            int rows = db.withConnection(c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM config")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(rows).isEqualTo(1);
        }
    }

    @Test
    void unreachablePostgresNamesTheUrlAndWhatToCheck() {
        assertThatThrownBy(() -> Database.open("jdbc:postgresql://127.0.0.1:1/vigil?password=secret", "vigil", "secret"))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/vigil")
                .hasMessageContaining("Check that PostgreSQL is running")
                .hasMessageNotContaining("secret");
    }

    @Test
    void unsupportedUrlSaysWhichUrlsWork() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/vigil", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:h2:file:")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void postgresUrlDatabaseIsReplacedForTheMaintenanceConnection() {
        assertThat(PostgresBootstrap.databaseName("jdbc:postgresql://h:5432/vigil?ssl=true")).isEqualTo("vigil");
        assertThat(PostgresBootstrap.withDatabase("jdbc:postgresql://h:5432/vigil?ssl=true", "postgres"))
                .isEqualTo("jdbc:postgresql://h:5432/postgres?ssl=true");
        assertThat(PostgresBootstrap.databaseName("jdbc:postgresql://h:5432/")).isNull();
    }
}

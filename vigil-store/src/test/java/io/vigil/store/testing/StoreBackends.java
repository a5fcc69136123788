package io.vigil.store.testing;

import io.vigil.store.Database;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs each {@link StoreTest} on every backend. One database per backend per test run (opening PostgreSQL
 * databases is too slow to do per test), emptied before each test, closed and removed when the run ends.
 * PostgreSQL is the machine's server or one started from Maven (see {@link TestDatabases}).
 */
public final class StoreBackends implements TestTemplateInvocationContextProvider {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StoreBackends.class);
    private static final List<String> TABLES = List.of("outbox", "sink_cursor", "sources", "monitors", "lease", "config");

    /** The backends a store test runs on. */
    public enum Backend { H2, POSTGRESQL }

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return true;
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        return Stream.of(Backend.values()).map(Invocation::new);
    }

    private record Invocation(Backend backend) implements TestTemplateInvocationContext {
        @Override
        public String getDisplayName(int invocationIndex) {
            return backend.name().toLowerCase();
        }

        @Override
        public List<Extension> getAdditionalExtensions() {
            return List.of(new Resolver(backend));
        }
    }

    private record Resolver(Backend backend) implements ParameterResolver, BeforeEachCallback {
        @Override
        public void beforeEach(ExtensionContext context) throws Exception {
            Database db = shared(context, backend);
            try (var c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                for (String table : TABLES) s.executeUpdate("DELETE FROM " + table);
            }
            db.outboxTail().forget(); // the outbox was emptied behind the writers' backs
        }

        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == Database.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return shared(e, backend);
        }
    }

    /** The run-wide database of {@code backend}; PostgreSQL per {@link TestDatabases}: the machine's server or an embedded one. */
    static Database shared(ExtensionContext context, Backend backend) {
        ExtensionContext.Store store = context.getRoot().getStore(NS);
        return switch (backend) {
            case H2 -> store.computeIfAbsent("h2", k -> new SharedH2(), SharedH2.class).db;
            case POSTGRESQL -> {
                TestDatabases.requirePostgres();
                yield store.computeIfAbsent("pg", k -> new SharedPostgres(), SharedPostgres.class).pg.database();
            }
        };
    }

    private static final class SharedH2 implements AutoCloseable {
        final Path dir;
        final Database db;

        SharedH2() {
            try {
                dir = Files.createTempDirectory("vigil-store-test");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            db = TestDatabases.h2(dir);
        }

        @Override
        public void close() throws IOException {
            db.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static final class SharedPostgres implements AutoCloseable {
        final TestDatabases.FreshPostgres pg = TestDatabases.freshPostgres();

        @Override
        public void close() {
            pg.close();
        }
    }
}

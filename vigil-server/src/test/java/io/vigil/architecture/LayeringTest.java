package io.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The intended dependency graph (docs/architecture.md), checked on the compiled classes: the HTTP layer talks to
 * narrow backend interfaces and never to the server object ({@code http → backends ← server}), the metrics do not
 * reach into the server, vigil-core touches no network, file or database API, and the server's packages form no cycle.
 */
class LayeringTest {
    /**
     * The one known exception: the access-control value types ({@code ApiAccess}, {@code ApiToken}, {@code Role}) live
     * in {@code io.vigil.http.auth} but are read by the config loader, which makes config → http → config. They
     * belong in a package of their own below both; until they move, this dependency is tolerated and nothing else.
     */
    private static final DescribedPredicate<JavaClass> ACCESS_TYPES = resideInAPackage("io.vigil.http.auth")
            .and(simpleName("ApiAccess").or(simpleName("ApiToken")).or(simpleName("Role")));

    private static JavaClasses vigil;
    private static JavaClasses core;

    @BeforeAll
    static void importClasses() {
        vigil = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.vigil");
        // surefire runs in the module directory; vigil-core's classes lie beside it
        core = new ClassFileImporter().importPath(Path.of("../vigil-core/target/classes"));
    }

    @Test
    void theHttpLayerDoesNotKnowTheServer() {
        noClasses().that().resideInAPackage("io.vigil.http..")
                .should().dependOnClassesThat().resideInAPackage("io.vigil.server..")
                .because("handlers talk to backend interfaces (CoreApi.Backend, DetectionApi.Backend, HeartbeatRoute)")
                .check(vigil);
    }

    @Test
    void metricsDoNotKnowTheServerOrTheHttpLayer() {
        noClasses().that().resideInAPackage("io.vigil.metrics..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vigil.server..", "io.vigil.http..")
                .check(vigil);
    }

    @Test
    void configDependsOnNoRuntimePackage() {
        noClasses().that().resideInAPackage("io.vigil.config..")
                .should().dependOnClassesThat(resideInAnyPackage("io.vigil.server..", "io.vigil.http..", "io.vigil.cli..",
                        "io.vigil.liveness..", "io.vigil.metrics..").and(not(ACCESS_TYPES)))
                .check(vigil);
    }

    @Test
    void vigilCoreUsesNoIoPackages() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.net..", "java.nio.file..", "java.nio.channels..",
                        "java.sql..", "javax.sql..", "io.vertx..", "io.netty..", "org.apache.kafka..")
                .because("the engine is pure: I/O comes in and goes out through interfaces")
                .check(core);
    }

    @Test
    void theServerModulesPackagesFormNoCycle() {
        slices().matching("io.vigil.(*)..").namingSlices("$1")
                .should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("io.vigil.config.."), ACCESS_TYPES)
                .check(vigil.that(DescribedPredicate.describe("in vigil-server",
                        c -> c.getSource().map(s -> s.getUri().toString().contains("vigil-server")).orElse(false))));
    }
}

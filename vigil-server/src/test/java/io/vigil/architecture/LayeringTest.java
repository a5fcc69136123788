package io.vigil.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;

import com.tngtech.archunit.base.DescribedPredicate;
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
                        "io.vigil.liveness..", "io.vigil.metrics.."))
                .check(vigil);
    }

    @Test
    void accessValuesDependOnNoOtherVigilPackage() {
        noClasses().that().resideInAPackage("io.vigil.access..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vigil.server..", "io.vigil.http..", "io.vigil.config..",
                        "io.vigil.cli..", "io.vigil.liveness..", "io.vigil.metrics..")
                .because("tokens and roles are values that the config loader reads and the HTTP layer enforces")
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
                .check(vigil.that(DescribedPredicate.describe("in vigil-server",
                        c -> c.getSource().map(s -> s.getUri().toString().contains("vigil-server")).orElse(false))));
    }
}

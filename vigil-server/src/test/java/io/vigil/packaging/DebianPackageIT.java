package io.vigil.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package that {@code ./vigil package} builds ({@code packaging/deb/build.sh}: jlink + jpackage, then the
 * service files), built once from the fat jar of this build (so it runs after {@code package}, in the
 * integration-test phase) and inspected with {@code dpkg-deb}: its metadata, its files, its maintainer scripts, and
 * the packaged launcher run from the unpacked files (failsafe runs it). Needs fakeroot and dpkg-deb (Debian); without
 * them it is skipped with a message, except under CI, where it fails.
 */
class DebianPackageIT {
    private static final Path ROOT = repoRoot();

    @TempDir
    static Path work;
    private static Path deb;
    private static Path unpacked;

    @BeforeAll
    static void buildThePackage() throws Exception {
        // a run narrowed to some tests (-Dtest=...) is someone iterating on those: building a package takes minutes
        Assumptions.assumeTrue(System.getProperty("test") == null || System.getProperty("it.test") != null,
                "Debian package not built: this run is restricted with -Dtest (add -Dit.test=DebianPackageIT to build it)");
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("fakeroot", "dpkg-deb")) if (!onPath(tool)) missing.add(tool);
        String why = "cannot build the Debian package here: " + missing + " missing (apt-get install fakeroot dpkg-dev)";
        if (!missing.isEmpty() && System.getenv("CI") != null) throw new IllegalStateException(why + "; CI must build it");
        Assumptions.assumeTrue(missing.isEmpty(), why);
        Path jar = ROOT.resolve("vigil-server/target/vigil.jar");
        assertThat(jar).as("the fat jar of this build (package phase)").isRegularFile();

        // gzip -1 instead of xz: the same package, built in a fraction of the CPU time
        Result build = run(Map.of("JAVA_HOME", System.getProperty("java.home"), "DPKG_DEB_COMPRESSOR_TYPE", "gzip",
                "DPKG_DEB_COMPRESSOR_LEVEL", "1"), 900, ROOT.resolve("packaging/deb/build.sh").toString(), work.resolve("out").toString());
        assertThat(build.exit()).as(build.output()).isZero();
        deb = Path.of(build.output().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(deb.getFileName().toString()).matches("vigil_\\d+\\.\\d+\\.\\d+_amd64\\.deb");

        unpacked = work.resolve("root");
        Result x = run(Map.of(), 120, "dpkg-deb", "-x", deb.toString(), unpacked.toString());
        assertThat(x.exit()).as(x.output()).isZero();
    }

    @Test
    void metadataNamesThePackageItsVersionAndItsConfigFile() throws Exception {
        Result info = run(Map.of(), 60, "dpkg-deb", "-I", deb.toString());
        assertThat(info.exit()).as(info.output()).isZero();
        assertThat(info.output()).contains("Package: vigil", "Architecture: amd64", "conffiles", "postinst", "prerm")
                .containsPattern("Version: \\d+\\.\\d+\\.\\d+");
        assertThat(info.output()).as("a headless server needs no X libraries").doesNotContain("libx11");
        assertThat(run(Map.of(), 60, "dpkg-deb", "-I", deb.toString(), "conffiles").output().strip())
                .isEqualTo("/etc/vigil/vigil.yaml");
    }

    @Test
    void filesAreTheLauncherItsOwnRuntimeTheServiceTheConfigAndTheDataDirectory() throws Exception {
        Result contents = run(Map.of(), 60, "dpkg-deb", "-c", deb.toString());
        assertThat(contents.exit()).as(contents.output()).isZero();
        assertThat(contents.output()).contains(
                "./opt/vigil/bin/vigil", "./opt/vigil/lib/app/vigil.jar", "./opt/vigil/lib/runtime/lib/modules",
                "./usr/bin/vigil -> /opt/vigil/bin/vigil", "./lib/systemd/system/vigil.service",
                "./etc/vigil/vigil.yaml", "./var/lib/vigil/");
        assertThat(contents.output().lines()).as("every file belongs to root").allMatch(l -> l.contains(" root/root "));

        String unit = Files.readString(unpacked.resolve("lib/systemd/system/vigil.service"));
        assertThat(unit).contains("User=vigil", "Group=vigil",
                "ExecStart=/usr/bin/vigil serve --config /etc/vigil/vigil.yaml --data-dir /var/lib/vigil",
                "ReadWritePaths=/var/lib/vigil", "WantedBy=multi-user.target");
        // the runtime is jlink's, of the modules Vigil needs: no compiler, no desktop tools
        String release = Files.readString(unpacked.resolve("opt/vigil/lib/runtime/release"));
        assertThat(release).contains("java.base", "java.sql", "jdk.unsupported").doesNotContain("jdk.compiler");
    }

    @Test
    void postinstCreatesTheVigilUserAndHandsItTheDataDirectory() throws Exception {
        Path control = work.resolve("control");
        assertThat(run(Map.of(), 60, "dpkg-deb", "-e", deb.toString(), control.toString()).exit()).isZero();
        String postinst = Files.readString(control.resolve("postinst"));
        assertThat(postinst).contains("useradd --system", "chown vigil:vigil /var/lib/vigil", "systemctl enable vigil.service");
        assertThat(Files.isExecutable(control.resolve("postinst"))).isTrue();
    }

    @Test
    void packagedLauncherPrintsItsVersionAndAcceptsThePackagedConfig() throws Exception {
        Path launcher = unpacked.resolve("opt/vigil/bin/vigil");
        Result version = run(Map.of(), 120, launcher.toString(), "--version");
        assertThat(version.exit()).as(version.output()).isZero();
        assertThat(version.output()).startsWith("vigil ").contains("(Java ");

        Result check = run(Map.of(), 120, launcher.toString(), "config", "check", unpacked.resolve("etc/vigil/vigil.yaml").toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("OK: 1 monitor (Heartbeat_vDNS)");
    }

    private record Result(int exit, String output) {
    }

    private static Result run(Map<String, String> env, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("vigil-package-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        return false;
    }

    private static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.isRegularFile(p.resolve("mvnw"))) return p;
        throw new IllegalStateException("no mvnw above " + Path.of("").toAbsolutePath());
    }
}

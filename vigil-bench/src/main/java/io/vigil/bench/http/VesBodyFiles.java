package io.vigil.bench.http;

import io.vigil.bench.engine.VesSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the request bodies the HTTP benchmark posts with wrk: {@code single.json} (one 594-byte VES heartbeat) and
 * {@code batch100.json} (an eventList of 100 distinct sources). {@code java -cp vigil-bench.jar
 * io.vigil.bench.http.VesBodyFiles <dir>}
 */
public final class VesBodyFiles {
    private VesBodyFiles() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : ".");
        Files.createDirectories(dir);
        String single = VesSamples.single("vnf-000042");
        Files.writeString(dir.resolve("single.json"), single, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("batch100.json"), VesSamples.list(100), StandardCharsets.UTF_8);
        System.out.println("single.json " + single.getBytes(StandardCharsets.UTF_8).length + " bytes, batch100.json "
                + VesSamples.list(100).getBytes(StandardCharsets.UTF_8).length + " bytes in " + dir);
    }
}

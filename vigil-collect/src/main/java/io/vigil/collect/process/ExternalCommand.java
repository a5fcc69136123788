package io.vigil.collect.process;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one external command (check, discovery, worker script, action): writes {@code stdin}, collects stdout and
 * stderr (each capped at {@value #MAX_OUTPUT} bytes), and kills the process tree when it outlives the timeout.
 * Blocking: call it from a thread that may wait (a virtual thread), never from an event loop. The command runs in the
 * working directory of the Vigil process; the config loader has already made relative program paths absolute against
 * the config file's directory ({@link io.vigil.collect.CommandPaths}), so a relative program here is relative to the
 * working directory (a config read from a remote URL). Stateless and thread-safe.
 */
public final class ExternalCommand {
    static final int MAX_OUTPUT = 1 << 20;

    private ExternalCommand() {
    }

    /**
     * What a run produced.
     *
     * @param exitCode the exit code; -1 when it could not start or timed out
     * @param stdout   standard output (capped)
     * @param stderr   standard error (capped)
     * @param problem  null when it ran to completion; else why not ("timed out after 10s", "cannot run ...")
     */
    public record Outcome(int exitCode, String stdout, String stderr, String problem) {
        public boolean succeeded() {
            return problem == null && exitCode == 0;
        }

        /** A one-line description for logs and error states. */
        public String describe() {
            if (problem != null) return problem;
            String err = stderr.strip();
            if (err.length() > 200) err = err.substring(err.length() - 200);
            return "exit " + exitCode + (err.isEmpty() ? "" : ": " + err);
        }
    }

    public static Outcome run(List<String> command, Map<String, String> env, String stdin, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Outcome(-1, "", "", "cannot run " + command.getFirst() + ": " + e.getMessage()
                    + " (check the path and that it is executable; relative paths in the config resolve against the config file's directory)");
        }
        Thread.Builder threads = Thread.ofVirtual();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = threads.start(() -> drain(p.getInputStream(), out));
        Thread errReader = threads.start(() -> drain(p.getErrorStream(), err));
        Thread writer = threads.start(() -> {
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the command does not read its stdin: fine
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(2, TimeUnit.SECONDS);
                return new Outcome(-1, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                        "timed out after " + timeout.toMillis() + "ms");
            }
            outReader.join(2000);
            errReader.join(2000);
            writer.join(1000);
            return new Outcome(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), null);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, "", "", "interrupted");
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (sink) {
                    if (sink.size() < MAX_OUTPUT) sink.write(buf, 0, Math.min(n, MAX_OUTPUT - sink.size()));
                }
            }
        } catch (IOException ignored) {
            // process ended
        }
    }
}

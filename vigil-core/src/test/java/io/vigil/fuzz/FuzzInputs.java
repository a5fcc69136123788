package io.vigil.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * Inputs for the parser fuzz properties (jqwik): a corpus of valid and interesting documents from
 * {@code src/test/resources/fuzz/<target>/}, mutated 1–6 times by byte flips, deletions, duplications, truncation and
 * insertion of JSON/YAML tokens that break parsers (deep nesting, huge numbers, NUL, lone surrogates, invalid UTF-8),
 * plus fully random bytes. Inputs are capped at {@value #MAX_INPUT} bytes, so a property's memory stays bounded by
 * what the parser makes of 64 KiB.
 *
 * <p>The number of tries comes from jqwik's {@code jqwik.tries.default} (the suite's short budget is set per test;
 * {@code vigil-bench/run-fuzz.sh} raises it for long campaigns). Findings and iteration counts: docs/fuzzing.md.
 */
public final class FuzzInputs {
    public static final int MAX_INPUT = 64 * 1024;
    /** Longest time one input may take before the property reports a hang. */
    public static final Duration HANG = Duration.ofSeconds(5);

    private static final String[] TOKENS = {
            "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "\u0000", "null", "true", "-", "1e999999999",
            "-0.0e-0", "99999999999999999999999999999999", "NaN", "\"event\"", "\"eventList\"", "\"commonEventHeader\"",
            "\"sourceName\"", "\"eventName\"", "\"lastEpochMicrosec\"", "\n", "\t", "- ", ": ", "&a ", "*a", "!!binary ",
            "? ", "|", ">", "#", "---\n", "...\n", "%YAML 1.2\n", "\"v\":1", "\"mac\":\"", "\"t\":\"hb\""};

    private FuzzInputs() {
    }

    /** Mutations of the corpus files under {@code fuzz/<target>/} (a resource list in {@code fuzz/<target>/index}). */
    public static Arbitrary<byte[]> of(String target) {
        List<byte[]> seeds = corpus(target);
        return Arbitraries.longs().map(seed -> mutate(seeds, new Random(seed)));
    }

    /** The corpus files of {@code target}, named one per line in {@code fuzz/<target>/index}. */
    public static List<byte[]> corpus(String target) {
        List<byte[]> out = new ArrayList<>();
        for (String name : read("fuzz/" + target + "/index").lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
            out.add(read("fuzz/" + target + "/" + name).getBytes(StandardCharsets.UTF_8));
        }
        if (out.isEmpty()) throw new IllegalStateException("empty fuzz corpus for " + target);
        return out;
    }

    private static String read(String resource) {
        try (InputStream in = FuzzInputs.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] mutate(List<byte[]> seeds, Random r) {
        if (r.nextInt(20) == 0) { // pure noise
            byte[] b = new byte[r.nextInt(512)];
            r.nextBytes(b);
            return b;
        }
        List<Byte> b = new ArrayList<>();
        for (byte x : seeds.get(r.nextInt(seeds.size()))) b.add(x);
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            int at = b.isEmpty() ? 0 : r.nextInt(b.size() + 1);
            switch (r.nextInt(8)) {
                case 0 -> { if (at < b.size()) b.set(at, (byte) (b.get(at) ^ (1 << r.nextInt(8)))); }
                case 1 -> { int len = Math.min(b.size() - Math.min(at, b.size()), 1 + r.nextInt(16)); for (int k = 0; k < len; k++) b.remove(at); }
                case 2 -> insert(b, at, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
                case 3 -> { int len = Math.min(b.size() - Math.min(at, b.size()), 1 + r.nextInt(64)); insert(b, at, copy(b, at, len)); }
                case 4 -> { if (!b.isEmpty()) b.subList(r.nextInt(b.size()), b.size()).clear(); }
                case 5 -> { int depth = 1 + r.nextInt(3000); insert(b, at, (r.nextBoolean() ? "[" : "{\"a\":").repeat(depth).getBytes(StandardCharsets.UTF_8)); }
                case 6 -> insert(b, at, new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80});
                default -> { StringBuilder s = new StringBuilder(); int len = r.nextInt(2000); for (int k = 0; k < len; k++) s.append((char) ('a' + r.nextInt(26))); insert(b, at, s.toString().getBytes(StandardCharsets.UTF_8)); }
            }
        }
        int size = Math.min(b.size(), MAX_INPUT);
        byte[] out = new byte[size];
        for (int i = 0; i < size; i++) out[i] = b.get(i);
        return out;
    }

    private static void insert(List<Byte> b, int at, byte[] bytes) {
        List<Byte> add = new ArrayList<>(bytes.length);
        for (byte x : bytes) add.add(x);
        b.addAll(Math.min(at, b.size()), add);
    }

    private static byte[] copy(List<Byte> b, int from, int len) {
        byte[] out = new byte[Math.max(0, len)];
        for (int i = 0; i < out.length; i++) out[i] = b.get(from + i);
        return out;
    }

    private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fuzz-target");
        t.setDaemon(true);
        return t;
    });

    /** A parse call that may throw only its documented checked/unchecked types. */
    @FunctionalInterface
    public interface Target {
        void run() throws Exception;
    }

    /**
     * Runs {@code target} on another thread: passes when it returns or throws one of {@code allowed}; fails on any other
     * exception or error (the finding) and when it takes longer than {@link #HANG}.
     */
    @SafeVarargs
    public static void expectOnly(byte[] input, Target target, Class<? extends Throwable>... allowed) {
        Future<?> f = RUNNER.submit(() -> {
            target.run();
            return null;
        });
        try {
            f.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError("hang: no answer within " + HANG + " for input " + show(input));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            for (Class<? extends Throwable> a : allowed) if (a.isInstance(t)) return;
            throw new AssertionError("escaped: " + t + " for input " + show(input), t);
        }
        assertThat(input.length).isLessThanOrEqualTo(MAX_INPUT);
    }

    /** The input for a failure message: its length and first 300 characters. */
    public static String show(byte[] input) {
        String s = new String(input, 0, Math.min(300, input.length), StandardCharsets.ISO_8859_1);
        return "(" + input.length + " bytes) " + s.replaceAll("[^\\x20-\\x7e]", "?");
    }
}

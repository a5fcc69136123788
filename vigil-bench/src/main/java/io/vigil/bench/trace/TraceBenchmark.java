package io.vigil.bench.trace;

import io.vigil.detect.DetectionRules;
import io.vigil.detect.DetectorSpec;
import io.vigil.monitor.Monitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detection-quality benchmark: generates heartbeat traces ({@link Fleet#standard()}: a quiet LAN, a jittery
 * network with and without loss bursts and GC pauses, a heavy-tailed WAN, a mixed fleet, a period change, skewed
 * sender clocks; every source crashes at known times), replays each
 * through Vigil's engine with every detector setting of a threshold sweep, and reports the Chen–Toueg–Aguilera QoS
 * figures: T_D, mistakes per source-hour (1/T_MR), T_M and P_A. Writes a table to stdout, a CSV and a PNG.
 *
 * <pre>
 * java -cp vigil-bench/target/vigil-bench.jar io.vigil.bench.trace.TraceBenchmark \
 *      [--sources 200] [--hours 2] [--seed 42] [--out target/trace-bench]
 *      [--detectors missed-count,phi-accrual,phi+pause,adaptive] [--scenarios lan,jitter,...]
 * </pre>
 */
public final class TraceBenchmark {
    /** missed-count thresholds, in heartbeat intervals (ONAP's default is 3). */
    static final double[] MISSED = {1.5, 2, 2.5, 3, 4, 5, 6};
    /** phi-accrual thresholds. */
    static final double[] PHI = {0.5, 1, 2, 3, 4, 6, 8, 10, 12, 16};
    /** adaptive thresholds (safety margin in mean absolute deviations); the default is 10. */
    static final double[] ADAPTIVE = {2, 3, 4, 6, 8, 10, 12, 16};

    private TraceBenchmark() {
    }

    /** One detector setting of the sweep. */
    record Setting(String detector, String label, double value, Monitor monitor) {
    }

    static List<Setting> settings(long intervalMillis) {
        List<Setting> out = new ArrayList<>();
        for (double k : MISSED) {
            // interval/10 × 10k = k intervals: the same rule with a fractional missed count
            Monitor m = new Monitor("t", Duration.ofMillis(intervalMillis / 10), (int) Math.round(k * 10), null, null);
            out.add(new Setting("missed-count", String.format(Locale.ROOT, "%.1f x interval", k), k, m));
        }
        for (long pause : new long[] {0, intervalMillis}) {
            String name = pause == 0 ? "phi-accrual" : "phi+pause";
            for (double t : PHI) {
                var rules = new DetectionRules(new DetectorSpec.PhiAccrual(t, 1000, Duration.ofMillis(100), Duration.ofMillis(pause)),
                        List.of(), 1, null);
                Monitor m = new Monitor("t", Duration.ofMillis(intervalMillis), 3, null, null, rules);
                out.add(new Setting(name, "phi " + label(t) + (pause == 0 ? "" : " pause " + pause + "ms"), t, m));
            }
        }
        for (double t : ADAPTIVE) {
            var rules = new DetectionRules(new DetectorSpec.Adaptive(t), List.of(), 1, null);
            Monitor m = new Monitor("t", Duration.ofMillis(intervalMillis), 3, null, null, rules);
            out.add(new Setting("adaptive", "adaptive " + label(t) + (t == DetectorSpec.Adaptive.DEFAULT_THRESHOLD ? " (default)" : ""), t, m));
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        int sources = 200;
        double hours = 2;
        long seed = 42;
        Path out = Path.of("target/trace-bench");
        List<String> only = null, scenarios = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sources" -> sources = Integer.parseInt(args[++i]);
                case "--hours" -> hours = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--detectors" -> only = List.of(args[++i].split(","));
                case "--scenarios" -> scenarios = List.of(args[++i].split(","));
                default -> {
                    System.err.println("unknown option " + args[i] + "; usage: TraceBenchmark [--sources N] [--hours H] [--seed S] [--out DIR]"
                            + " [--detectors missed-count,phi-accrual,phi+pause,adaptive] [--scenarios lan,jitter,...]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        long duration = (long) (hours * 3_600_000);
        StringBuilder csv = new StringBuilder("scenario,detector,setting,heartbeats,crashes,detected,undetected,"
                + "td_mean_ms,td_p99_ms,mistakes,mistakes_per_source_hour,tmr_ms,tm_ms,pa\n");
        Map<String, Map<String, List<Chart.Point>>> panels = new LinkedHashMap<>();
        List<String> headlines = new ArrayList<>();
        long totalBeats = 0, totalNanos = 0;
        System.out.printf(Locale.ROOT, "%d sources x %.1f h per scenario, seed %d, %s, %d cores, Java %s%n", sources, hours, seed,
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version());
        List<String> goals = new ArrayList<>();
        for (Fleet sc : Fleet.standard()) {
            if (scenarios != null && !scenarios.contains(sc.name())) continue;
            Trace trace = sc.generate(sources, duration, seed);
            System.out.printf(Locale.ROOT, "%n== %s: %,d heartbeats, %d crashes%n", sc.name(), trace.heartbeats(), trace.crashes().size());
            System.out.printf(Locale.ROOT, "%-13s %-24s %9s %9s %8s %10s %11s %9s %10s%n", "detector", "setting",
                    "T_D mean", "T_D p99", "mistakes", "per src-h", "T_MR", "T_M", "P_A");
            Map<String, List<Chart.Point>> curves = new LinkedHashMap<>();
            Replay.Result baseline = null;
            List<Replay.Result> phiResults = new ArrayList<>();
            List<Setting> phiSettings = new ArrayList<>();
            List<Replay.Result> adaptiveResults = new ArrayList<>();
            List<Setting> adaptiveSettings = new ArrayList<>();
            for (Setting st : settings(sc.intervalMillis())) {
                if (only != null && !only.contains(st.detector()) && !(st.detector().equals("missed-count") && st.value() == 3)) continue;
                Replay.Result r = Replay.run(trace, st.monitor());
                totalBeats += r.heartbeats();
                totalNanos += r.wallNanos();
                Qos q = r.qos();
                System.out.printf(Locale.ROOT, "%-13s %-24s %7.0fms %7.0fms %8d %10.4f %11s %7.0fms %10.7f%n", st.detector(), st.label(),
                        q.meanDetectionMs(), q.p99DetectionMs(), q.mistakes(), q.mistakesPerHour(),
                        Double.isInfinite(q.mistakeRecurrenceMs()) ? "inf" : String.format(Locale.ROOT, "%.0fs", q.mistakeRecurrenceMs() / 1000),
                        q.mistakeDurationMs(), q.queryAccuracy());
                csv.append(String.join(",", sc.name(), st.detector(), st.label().replace(',', ';'),
                        String.valueOf(r.heartbeats()), String.valueOf(trace.crashes().size()), String.valueOf(q.detections()),
                        String.valueOf(q.undetected()), fmt(q.meanDetectionMs()), fmt(q.p99DetectionMs()), String.valueOf(q.mistakes()),
                        fmt(q.mistakesPerHour()), fmt(q.mistakeRecurrenceMs()), fmt(q.mistakeDurationMs()),
                        String.format(Locale.ROOT, "%.7f", q.queryAccuracy()))).append('\n');
                curves.computeIfAbsent(st.detector(), k -> new ArrayList<>())
                        .add(new Chart.Point(q.mistakesPerHour(), q.meanDetectionMs(), st.label()));
                if (st.detector().equals("missed-count") && st.value() == 3) baseline = r;
                if (st.detector().startsWith("phi")) {
                    phiResults.add(r);
                    phiSettings.add(st);
                }
                if (st.detector().equals("adaptive")) {
                    adaptiveResults.add(r);
                    adaptiveSettings.add(st);
                }
            }
            panels.put(sc.name(), curves);
            if (!phiResults.isEmpty()) headlines.add(headline(sc.name(), baseline, phiResults, phiSettings, "phi-accrual setting (with or without pause)"));
            if (!adaptiveResults.isEmpty()) {
                headlines.add(headline(sc.name(), baseline, adaptiveResults, adaptiveSettings, "adaptive setting"));
                for (int i = 0; i < adaptiveSettings.size(); i++) {
                    if (adaptiveSettings.get(i).value() == DetectorSpec.Adaptive.DEFAULT_THRESHOLD) {
                        goals.add(goal(sc.name(), baseline.qos(), adaptiveResults.get(i).qos()));
                    }
                }
            }
        }
        System.out.println();
        headlines.forEach(System.out::println);
        System.out.println();
        goals.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "%nreplay speed: %,.0f heartbeats/s of wall time (%,d heartbeats, engine + manual clock, one thread)%n",
                totalBeats / (totalNanos / 1e9), totalBeats);
        Files.writeString(out.resolve("detection-qos.csv"), csv);
        Chart.write(out.resolve("detection-qos.png"), panels);
        System.out.println("wrote " + out.resolve("detection-qos.csv") + " and " + out.resolve("detection-qos.png"));
    }

    /**
     * The goal for the default adaptive detector against missed-count 3 ×: no more mistakes, T_D mean and p99
     * at most 2/3.
     */
    static String goal(String scenario, Qos b, Qos a) {
        boolean mistakes = a.mistakesPerHour() <= b.mistakesPerHour();
        double mean = a.meanDetectionMs() / b.meanDetectionMs(), p99 = a.p99DetectionMs() / b.p99DetectionMs();
        boolean met = mistakes && mean <= 2 / 3.0 && p99 <= 2 / 3.0;
        return String.format(Locale.ROOT, "goal %-13s %s: mistakes %.4f vs %.4f (%s), T_D mean %.0f vs %.0f ms (x%.3f %s), p99 %.0f vs %.0f ms (x%.3f %s)",
                scenario, met ? "MET    " : "NOT MET", a.mistakesPerHour(), b.mistakesPerHour(), mistakes ? "ok" : "more",
                a.meanDetectionMs(), b.meanDetectionMs(), mean, mean <= 2 / 3.0 ? "ok" : "> 2/3",
                a.p99DetectionMs(), b.p99DetectionMs(), p99, p99 <= 2 / 3.0 ? "ok" : "> 2/3");
    }

    /** The fastest of {@code phi} (one detector's sweep) with no more mistakes than missed-count at ONAP's default (3 intervals). */
    static String headline(String scenario, Replay.Result baseline, List<Replay.Result> phi, List<Setting> settings, String what) {
        Qos b = baseline.qos();
        int best = -1;
        for (int i = 0; i < phi.size(); i++) {
            Qos q = phi.get(i).qos();
            if (q.mistakesPerHour() <= b.mistakesPerHour() && (best < 0 || q.meanDetectionMs() < phi.get(best).qos().meanDetectionMs())) best = i;
        }
        if (best < 0) {
            return String.format(Locale.ROOT, "%s: no %s reaches missed-count 3x's mistake rate (%.4f/source-h)",
                    scenario, what, b.mistakesPerHour());
        }
        Qos q = phi.get(best).qos();
        return String.format(Locale.ROOT, "%s: at <= %.4f mistakes/source-h (missed-count 3x: %.4f), %s detects in %.0f ms vs %.0f ms: %.2fx sooner",
                scenario, q.mistakesPerHour(), b.mistakesPerHour(), settings.get(best).label(), q.meanDetectionMs(),
                b.meanDetectionMs(), b.meanDetectionMs() / q.meanDetectionMs());
    }

    private static String label(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static String fmt(double v) {
        if (Double.isInfinite(v)) return "inf";
        if (Double.isNaN(v)) return "";
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.4f", v);
    }
}

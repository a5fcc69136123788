package io.vigil.bench.http;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of another process's threads, from Linux's {@code /proc/<pid>/task/*}: every thread the JVM runs, its
 * compiler and GC threads included (which a JFR execution sample does not see). Threads are grouped by name with
 * digits folded ({@code GC Thread#0} and {@code GC Thread#1} are one group). Empty where there is no {@code /proc}.
 */
final class ThreadCpu {
    /** Linux's clock ticks per second for {@code utime}/{@code stime} (USER_HZ, 100 on every mainstream kernel). */
    private static final double TICKS_PER_SECOND = 100.0;

    private ThreadCpu() {
    }

    /** CPU seconds so far per thread group of {@code pid}. */
    static Map<String, Double> read(long pid) {
        Map<String, Double> groups = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        if (!Files.isDirectory(tasks)) return groups;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip().replaceAll("\\d+", "N");
                    String stat = Files.readString(task.resolve("stat"));
                    // fields after the command's closing parenthesis: state is field 3, utime 14, stime 15
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                    groups.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return groups;
        }
        return groups;
    }

    /**
     * What each group used between two readings: the total, then the {@code top} largest groups as "name seconds"
     * items, the rest summed as "other".
     */
    static String delta(Map<String, Double> before, Map<String, Double> after, int top) {
        List<Map.Entry<String, Double>> used = new ArrayList<>();
        double total = 0;
        for (var e : after.entrySet()) {
            double d = e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            if (d > 0) {
                used.add(Map.entry(e.getKey(), d));
                total += d;
            }
        }
        used.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        StringBuilder sb = new StringBuilder(String.format("%.2f s in all:", total));
        double shown = 0;
        for (int i = 0; i < Math.min(top, used.size()); i++) {
            sb.append(String.format(" %s %.2f,", used.get(i).getKey(), used.get(i).getValue()));
            shown += used.get(i).getValue();
        }
        sb.append(String.format(" other %.2f", total - shown));
        return sb.toString();
    }
}

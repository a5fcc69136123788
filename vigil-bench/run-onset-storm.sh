#!/usr/bin/env bash
# The 1M-source storm (issue 14): every source silent in the same millisecond, ONSET lag of the real detector thread
# (io.vigil.bench.engine.OnsetLag ... storm), run RUNS times per bench jar, alternating jars, in one session.
#
#   vigil-bench/run-onset-storm.sh [RUNS=3] [SOURCES=1000000]
#
# Env: BENCH_JARS (vigil-bench/target/vigil-bench.jar; give two, e.g. a build of the previous commit first, to get
# before/after in one run), HEAP (2g). Prints per run the load average and the summary lines of OnsetLag
# (decided = the tick's time; handed = when the engine handed the event over, older builds do not print it;
# at sink = when the consumer thread took it), the CPU time of the detector thread over the whole run (1M first
# heartbeats and 1M ONSETs: what the work costs, whatever CPU share the thread got; sampled from /proc every 0.2 s),
# then the medians per jar.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"; SOURCES="${2:-1000000}"; HEAP="${HEAP:-2g}"
BENCH_JARS="${BENCH_JARS:-$ROOT/vigil-bench/target/vigil-bench.jar}"
source "$ROOT/vigil-bench/find-java.sh"
[[ -f "$ROOT/vigil-bench/target/vigil-bench.jar" ]] || (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
OUT="$(mktemp /tmp/vigil-onset-storm.XXXXXX)"
for r in $(seq 1 "$RUNS"); do
  j=0
  for jar in $BENCH_JARS; do
    j=$((j + 1))
    load=$(cut -d' ' -f1 /proc/loadavg)
    "$JAVA" -Xmx$HEAP -cp "$jar" io.vigil.bench.engine.OnsetLag "$SOURCES" storm > "$OUT.run" & pid=$!
    ticks=0
    while kill -0 "$pid" 2>/dev/null; do
      for t in /proc/$pid/task/*; do
        [[ "$(cat "$t/comm" 2>/dev/null)" == vigil-detector ]] && ticks=$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo "$ticks")
      done
      sleep 0.2
    done
    wait "$pid" || true
    cpu_ms=$(( ticks * 1000 / $(getconf CLK_TCK) ))
    res=$(grep -E '^(decided|handed|at sink|detector CPU|WARNING)' "$OUT.run")
    sink=$(echo "$res" | awk '/^at sink/ {for (i = 1; i <= NF; i++) if ($i ~ /^(p99|max)=/) {split($i, kv, "="); printf "%s ", kv[2]}}')
    echo -e "run $r jar $j load $load detector-cpu ${cpu_ms}ms\n$res" | sed 's/^/  /'
    echo -e "$j\t$sink $cpu_ms" >> "$OUT"
  done
done
awk -F'\t' '{ split($2, v, " "); p[$1] = p[$1] " " v[1]; m[$1] = m[$1] " " v[2]; c[$1] = c[$1] " " v[3] }
  function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { for (j in p) printf "jar %s: at sink p99 median %s ms (runs:%s), max median %s ms (runs:%s), detector CPU median %s ms (runs:%s)\n", j, med(p[j]), p[j], med(m[j]), m[j], med(c[j]), c[j] }' "$OUT"

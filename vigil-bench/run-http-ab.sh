#!/usr/bin/env bash
# Fine-grained A/B of HTTP ingest for a noisy machine: Vigil and the bare Vert.x server run side by side (both pinned to
# CPU $SERVER_CPU, only one loaded at a time), and short wrk runs alternate between them, so both see the same load.
#
#   vigil-bench/run-http-ab.sh [PAIRS=10] [SECONDS=3] [single|batch100]
#
# Prints one line per run and, at the end, the medians and the median of the per-pair ratios vigil/bare.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PAIRS="${1:-10}"; SECS="${2:-3}"; BODYKIND="${3:-single}"
CONNECTIONS="${CONNECTIONS:-64}"; SERVER_CPU="${SERVER_CPU:-0}"; LOAD_CPU="${LOAD_CPU:-1}"; HEAP="${HEAP:-512m}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-http-ab.XXXXXX)}"
BENCH_JAR="$ROOT/vigil-bench/target/vigil-bench.jar"; VIGIL_JAR="$ROOT/vigil-server/target/vigil.jar"
source "$ROOT/vigil-bench/find-java.sh"
command -v wrk >/dev/null || { echo "run-http-ab: needs wrk (apt-get install -y wrk)" >&2; exit 2; }
[[ -f "$BENCH_JAR" && -f "$VIGIL_JAR" ]] || (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
mkdir -p "$OUT"
"$JAVA" -cp "$BENCH_JAR" io.vigil.bench.http.VesBodyFiles "$OUT" >/dev/null
printf 'local f = assert(io.open(os.getenv("BODY"), "rb"))\nwrk.method = "POST"\nwrk.body = f:read("*a")\nf:close()\nwrk.headers["Content-Type"] = "application/json"\n' > "$OUT/post.lua"
printf 'http:\n  port: 18080\n  host: 127.0.0.1\nmonitors:\n  - eventName: Heartbeat_bench\n    heartbeatInterval: 60s\n    missedHeartbeats: 3\n    timeBase: arrival\npublish:\n  - type: log\nlimits:\n  newSourcesPerSecond: 100000000\n' > "$OUT/vigil.yaml"
rm -rf "$OUT/data"
taskset -c "$SERVER_CPU" "$JAVA" -Xmx$HEAP -cp "$BENCH_JAR" io.vigil.bench.http.BareVertxServer 18090 >"$OUT/bare.log" 2>&1 & BARE=$!
taskset -c "$SERVER_CPU" "$JAVA" -Xmx$HEAP -jar "$VIGIL_JAR" serve --config "$OUT/vigil.yaml" --data-dir "$OUT/data" >"$OUT/vigil.log" 2>&1 & VIGIL=$!
trap 'kill $BARE $VIGIL 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for p in 18090 18080; do
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$p/healthz" && break; sleep 0.2; done
done
if [[ "$BODYKIND" == single ]]; then PATHQ=/eventListener/v7; EVENTS=1; else PATHQ=/eventListener/v7/eventBatch; EVENTS=100; fi
run() { # port seconds -> heartbeats/s
  BODY="$OUT/$BODYKIND.json" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${2}s" -s "$OUT/post.lua" "http://127.0.0.1:$1$PATHQ" \
    | awk -v e=$EVENTS '/^Requests\/sec:/ {printf "%.0f", $2 * e}'
}
run 18090 5 >/dev/null; run 18080 5 >/dev/null # warm-up
echo -e "pair\tbare\tvigil\tratio\tload1"
for i in $(seq 1 "$PAIRS"); do
  if (( i % 2 )); then b=$(run 18090 "$SECS"); v=$(run 18080 "$SECS"); else v=$(run 18080 "$SECS"); b=$(run 18090 "$SECS"); fi
  echo -e "$i\t$b\t$v\t$(awk "BEGIN{printf \"%.2f\", $v/$b}")\t$(cut -d' ' -f1 /proc/loadavg)"
done | tee "$OUT/ab.tsv"
awk -F'\t' 'function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  { b[NR] = $2; v[NR] = $3; r[NR] = $4 } END { printf "medians: bare %.0f/s  vigil %.0f/s  vigil/bare (median of pairs) %.2f\n", med(b, NR), med(v, NR), med(r, NR) }' "$OUT/ab.tsv"

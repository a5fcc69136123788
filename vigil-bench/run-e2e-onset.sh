#!/usr/bin/env bash
# ONSET lag end to end: VES over HTTP into the real server (H2 store, outbox, webhook relay) → a local webhook receiver.
#
#   vigil-bench/run-e2e-onset.sh [SOURCES] [SPREAD_SECONDS] [THRESHOLD_SECONDS]     (defaults: 100000 20 60)
#
# Starts `vigil serve` with one monitor (Heartbeat_bench, timeBase event, threshold THRESHOLD) publishing to a webhook
# on 127.0.0.1:$RECEIVER_PORT, then runs io.vigil.bench.http.EndToEndOnsetLag, which sends one heartbeat per source
# with lastSeen spread over the SPREAD seconds before now (so deadlines fall from THRESHOLD-SPREAD to THRESHOLD s
# after the start; THRESHOLD must exceed SPREAD by the time sending takes).
# SILENT_EVERY=k (default 1): only every k-th source goes silent, the others keep beating (a trickle of ONSETs in a
# live fleet instead of a burst of SOURCES ONSETs). BEAT=burst (default: the live fleet's heartbeats all at once every
# THRESHOLD/3) or paced (spread evenly over that period, as a continuously beating fleet). CHECKPOINT (default 1s): detection.checkpointInterval. and records each ONSET's decided and at-the-sink lag (p50/p99/max).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-100000}"; SPREAD="${2:-20}"; THRESHOLD="${3:-60}"
PORT="${PORT:-18081}"; RECEIVER_PORT="${RECEIVER_PORT:-18099}"; HEAP="${HEAP:-1g}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-e2e-onset.XXXXXX)}"
BENCH_JAR="$ROOT/vigil-bench/target/vigil-bench.jar"
VIGIL_JAR="$ROOT/vigil-server/target/vigil.jar"
source "$ROOT/vigil-bench/find-java.sh"
if [[ ! -f "$BENCH_JAR" || ! -f "$VIGIL_JAR" ]]; then
  (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
fi
mkdir -p "$OUT"
cat > "$OUT/vigil.yaml" <<YAML
http:
  port: $PORT
  host: 127.0.0.1
monitors:
  - eventName: Heartbeat_bench
    heartbeatInterval: ${THRESHOLD}s
    missedHeartbeats: 1
    timeBase: event
detection:
  checkpointInterval: ${CHECKPOINT:-1s}
publish:
  - type: webhook
    url: http://127.0.0.1:$RECEIVER_PORT/onset
limits:
  newSourcesPerSecond: 100000000  # every source is new in this run
YAML
rm -rf "$OUT/data"
"$JAVA" -Xmx$HEAP -jar "$VIGIL_JAR" serve --config "$OUT/vigil.yaml" --data-dir "$OUT/data" >"$OUT/vigil.log" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); server log: $OUT/vigil.log"
"$JAVA" -Xmx1g -cp "$BENCH_JAR" io.vigil.bench.http.EndToEndOnsetLag "http://127.0.0.1:$PORT" "$RECEIVER_PORT" "$N" "$THRESHOLD" "$SPREAD" "${SILENT_EVERY:-1}" "${BEAT:-burst}" || status=$?
# the server's own view of the same deliveries (decision to the webhook's 2xx), from its histogram: the upper bound
# of the bucket that holds p50 / p99
curl -s "http://127.0.0.1:$PORT/metrics" | awk -F'[{}", ]+' '/^vigil_sink_delivery_age_seconds_bucket/ {
    for (i = 1; i <= NF; i++) if ($i == "le=") le = $(i + 1); n[++k] = $NF; b[k] = le }
  END { if (!k) exit; total = n[k]; split("0.5 0.99", q, " "); out = "server (decision to 2xx): n=" total
    for (j = 1; j <= 2; j++) for (i = 1; i <= k; i++) if (n[i] >= q[j] * total) { out = out " p" q[j] * 100 "<=" (b[i] == "+Inf" ? b[i] : b[i] * 1000 " ms"); break }
    print out }' || true
exit "${status:-0}"

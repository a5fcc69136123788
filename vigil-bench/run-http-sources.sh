#!/usr/bin/env bash
# HTTP ingest at many distinct sources (issue 14): the same Vigil serving 1k, 100k and 1M distinct sourceNames,
# side by side in one session. One `vigil serve` per (jar, source count), all pinned to CPU $SERVER_CPU (only one is
# loaded at a time), wrk on CPU $LOAD_CPU with a Lua request() that walks the sourceNames vnf-000000 … (N-1) from a
# random start with a prime stride (every event a different source, spread over the whole map; a batch = 100 such
# events). The Lua work is the same for every N. Monitor: one eventName, heartbeatInterval $INTERVAL × 3,
# timeBase arrival (the generator must revisit every source within the threshold, or the run measures ONSETs).
#
#   vigil-bench/run-http-sources.sh [ROUNDS=5] [SECONDS=5] [single|batch100|both]
#
# Two figures per run: heartbeats/s, and the server's CPU time per heartbeat (utime + stime of its process over the
# run, /proc/<pid>/stat: the HTTP threads, the journal's checkpoints, GC, everything). On a loaded machine the first
# follows whatever CPU share the server got; the second is what the work costs, and its ratio is the throughput ratio
# the server would have on a core of its own.
#
# Env: SOURCE_COUNTS ("1000 100000 1000000"), VIGIL_JARS (vigil-server/target/vigil.jar; give two jars, e.g. a
# build of the previous commit and this one, to measure before/after in one run), CONNECTIONS (64), SERVER_CPU (0),
# LOAD_CPU (1), HEAP (1g), SETTLE (seconds after filling each server, 20), INTERVAL (300s: the threshold, 3 ×, must
# outlast the whole run, or sources wrk has not revisited go MISSING and the server measures ONSETs; the script
# warns at the end when any server decided one), OUT (a temp dir).
# Each server is first filled with all its sources (eventBatch of 100) and warmed up; then every round runs each
# server once per mode, the order rotated per round. Prints one line per run and, at the end, per jar and mode: the
# median heartbeats/s and CPU µs per heartbeat per source count, each with the median over rounds of its ratio to 1k
# in the same round (for CPU: 1k's cost / this cost, so both ratios read "x times the 1k figure").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-5}"; SECS="${2:-5}"; BODYKIND="${3:-single}"
SOURCE_COUNTS="${SOURCE_COUNTS:-1000 100000 1000000}"
CONNECTIONS="${CONNECTIONS:-64}"; SERVER_CPU="${SERVER_CPU:-0}"; LOAD_CPU="${LOAD_CPU:-1}"; HEAP="${HEAP:-1g}"
SETTLE="${SETTLE:-20}"; INTERVAL="${INTERVAL:-300s}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-http-sources.XXXXXX)}"
BENCH_JAR="$ROOT/vigil-bench/target/vigil-bench.jar"
VIGIL_JARS="${VIGIL_JARS:-$ROOT/vigil-server/target/vigil.jar}"
source "$ROOT/vigil-bench/find-java.sh"
command -v wrk >/dev/null || { echo "run-http-sources: needs wrk (apt-get install -y wrk)" >&2; exit 2; }
[[ -f "$BENCH_JAR" ]] || (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
mkdir -p "$OUT"
"$JAVA" -cp "$BENCH_JAR" io.vigil.bench.http.VesBodyFiles "$OUT" >/dev/null
cat > "$OUT/sources.lua" <<'LUA'
-- POSTs the heartbeat of single.json with its source vnf-000042 replaced by vnf-<i>: the walk starts at position
-- $START (default random) and i moves by a prime stride modulo $SOURCES, so every event is another source and a run touches sources
-- all over the server's map; $BATCH > 1: an eventList of $BATCH such events per request
local f = assert(io.open(os.getenv("BODY"), "rb"))
local tpl = f:read("*a")
f:close()
local n = tonumber(os.getenv("SOURCES"))
local batch = tonumber(os.getenv("BATCH") or "1")
local inner = batch > 1 and tpl:match('^{"event":(.*)}$') or tpl
local parts, from = {}, 1
while true do
  local s, e = inner:find("vnf-000042", from, true)
  if not s then parts[#parts + 1] = inner:sub(from); break end
  parts[#parts + 1] = inner:sub(from, s - 1)
  from = e + 1
end
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
local k = tonumber(os.getenv("START") or "-1") -- position in the walk; the k-th event is source (k * stride) mod n
if k < 0 then k = math.random(0, n - 1) end
local stride = 999983 % n -- a prime: coprime with every n = 10^x, so n events in a row visit n distinct sources
if stride == 0 then stride = 1 end
local function event()
  local name = string.format("vnf-%06d", (k * stride) % n)
  k = (k + 1) % n
  return table.concat(parts, name)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body
  if batch == 1 then
    body = event()
  else
    local evs = {}
    for k = 1, batch do evs[k] = event() end
    body = '{"eventList":[' .. table.concat(evs, ",") .. ']}'
  end
  return wrk.format(nil, nil, nil, body)
end
LUA
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
declare -A PORT PID
port=18100; j=0
for jar in $VIGIL_JARS; do
  j=$((j + 1))
  for n in $SOURCE_COUNTS; do
    port=$((port + 1)); PORT["$j/$n"]=$port
    dir="$OUT/j$j-n$n"; mkdir -p "$dir"
    printf 'http:\n  port: %s\n  host: 127.0.0.1\nmonitors:\n  - eventName: Heartbeat_bench\n    heartbeatInterval: %s\n    missedHeartbeats: 3\n    timeBase: arrival\npublish:\n  - type: log\nlimits:\n  maxSources: 2000000\n  newSourcesPerSecond: 100000000\n' "$port" "$INTERVAL" > "$dir/vigil.yaml"
    taskset -c "$SERVER_CPU" "$JAVA" -Xmx$HEAP -jar "$jar" serve --config "$dir/vigil.yaml" --data-dir "$dir/data" >"$dir/vigil.log" 2>&1 &
    PIDS+=($!); PID["$j/$n"]=$!
    echo "jar $j ($jar) n=$n: port $port" >&2
  done
done
for key in "${!PORT[@]}"; do
  for _ in $(seq 1 300); do curl -s -o /dev/null "http://127.0.0.1:${PORT[$key]}/healthz" && break; sleep 0.2; done
done
case "$BODYKIND" in single) MODES=1 ;; batch100) MODES=100 ;; both) MODES="1 100" ;; *) echo "mode: single|batch100|both" >&2; exit 2 ;; esac
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # clock ticks (1/100 s) of user + system time
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))
wrk_run() { # port sources batch seconds [start] -> heartbeats/s
  local path=/eventListener/v7; [[ "$3" == 1 ]] || path=/eventListener/v7/eventBatch
  BODY="$OUT/single.json" SOURCES="$2" BATCH="$3" START="${5:--1}" taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${4}s" \
    -s "$OUT/sources.lua" "http://127.0.0.1:$1$path" | awk -v e="$3" '/^Requests\/sec:/ {printf "%.0f", $2 * e}'
}
# fill: every server gets all its sources (batches of 100: 1M in a few seconds), then a warm-up in the measured mode
tracked() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^vigil_monitor_sources\{/ {s += $2} END {printf "%d", s}'; }
for key in "${!PORT[@]}"; do
  n="${key#*/}"; start=0
  for _ in $(seq 1 100); do
    (( $(tracked "${PORT[$key]}") >= n )) && break
    rate=$(wrk_run "${PORT[$key]}" "$n" 100 3 "$start")
    start=$(( (start + ${rate:-0} * 3) % n )) # the next run goes on where this one stopped
  done
  echo "filled $key: $(tracked "${PORT[$key]}") sources" >&2
done
echo "settling ${SETTLE}s (first-seen events and the first checkpoint of every source)" >&2; sleep "$SETTLE"
for key in "${!PORT[@]}"; do for b in $MODES; do wrk_run "${PORT[$key]}" "${key#*/}" "$b" 5 >/dev/null; done; done
echo -e "round\tjar\tsources\tbatch\theartbeats/s\tcpu_us_per_hb\tload1" | tee "$OUT/runs.tsv"
keys=(); for jar in $(seq 1 "$j"); do for n in $SOURCE_COUNTS; do keys+=("$jar/$n"); done; done
for r in $(seq 1 "$ROUNDS"); do
  for b in $MODES; do
    k=${#keys[@]}
    for x in $(seq 0 $((k - 1))); do
      key="${keys[$(( (x + r) % k ))]}"
      t0=$(cpu_ticks "${PID[$key]}")
      v=$(wrk_run "${PORT[$key]}" "${key#*/}" "$b" "$SECS")
      t1=$(cpu_ticks "${PID[$key]}")
      cpu=$(awk -v t=$(( t1 - t0 )) -v us="$TICK_US" -v v="${v:-0}" -v s="$SECS" 'BEGIN { printf "%.2f", (v > 0 ? t * us / (v * s) : 0) }')
      echo -e "$r\t${key%/*}\t${key#*/}\t$b\t$v\t$cpu\t$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done | tee -a "$OUT/runs.tsv"
awk -F'\t' -v counts="$SOURCE_COUNTS" 'NR > 1 { k = $2 "/" $4 "/" $3 "/" $1; v[k] = $5; c[k] = $6; jm[$2 "/" $4] = 1; rounds[$1] = 1 }
  function med(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { nc = split(counts, cs, " "); base = cs[1]
    for (x in jm) { split(x, p, "/"); line = "jar " p[1] " batch " p[2] ":"
      for (i = 1; i <= nc; i++) { n = 0; m = 0; delete a; delete q; delete ca; delete cq
        for (r in rounds) { k = x "/" cs[i] "/" r; kb = x "/" base "/" r
          a[++n] = v[k]; ca[n] = c[k]
          if (v[kb] > 0 && c[k] > 0) { q[++m] = v[k] / v[kb]; cq[m] = c[kb] / c[k] } }
        line = line sprintf("  %s: %.0f/s (x%.2f), %.2f us/hb (x%.2f)", cs[i], med(a, n), med(q, m), med(ca, n), med(cq, m)) }
      print line } }' "$OUT/runs.tsv"
for key in "${!PORT[@]}"; do
  onsets=$(curl -s "http://127.0.0.1:${PORT[$key]}/metrics" | awk '/^vigil_detector_onsets_total/ {s += $2} END {printf "%d", s}')
  (( ${onsets:-0} == 0 )) || echo "WARNING: server $key decided $onsets ONSETs during the run (INTERVAL=$INTERVAL too short for this machine): its figures include them" >&2
done
echo "results in $OUT" >&2

#!/usr/bin/env bash
# HTTP ingest benchmark: Vigil's real server vs a bare Vert.x server (parse + ConcurrentHashMap, 202), interleaved.
#
#   vigil-bench/run-http-bench.sh [ROUNDS] [SECONDS]        (defaults: 3 rounds, 10 s per measurement)
#
# Each round starts each server fresh (bare then vigil, the other way round in even rounds), pinned to CPU $SERVER_CPU, and drives it from CPU $LOAD_CPU:
#   wrk   single  POST /eventListener/v7            one 594-byte VES heartbeat per request (keep-alive)
#   wrk   batch   POST /eventListener/v7/eventBatch an eventList of 100 heartbeats per request
#   send  single  vigil send --batch 1   (the project's own Vert.x load generator, distinct sources)
#   send  batch   vigil send --batch 100
#   loop  single|batch  io.vigil.bench.http.EventLoopSender (a closed-loop Vert.x client, one event loop; same bodies as
#                 wrk): tells the cost of Vert.x's client apart from the way `vigil send` drives it
# wrk is used when installed (apt-get install -y wrk). Results: one line per measurement in $OUT/results.tsv
# (round, server, tool, mode, heartbeats/s, requests/s, non-2xx, load average) and medians at the end.
#
# Environment: CONNECTIONS (64), SERVER_CPU (0), LOAD_CPU (1), PIN (1; 0 = no taskset), OUT (a temp dir),
# HEAP (512m), SOURCES for vigil send (100000), MODES ("wrk-single wrk-batch send-single send-batch").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
SECS="${2:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
SERVER_CPU="${SERVER_CPU:-0}"
LOAD_CPU="${LOAD_CPU:-1}"
PIN="${PIN:-1}"
HEAP="${HEAP:-512m}"
SOURCES="${SOURCES:-100000}"
MODES="${MODES:-wrk-single wrk-batch send-single send-batch loop-single loop-batch}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-http-bench.XXXXXX)}"
BENCH_JAR="$ROOT/vigil-bench/target/vigil-bench.jar"
VIGIL_JAR="$ROOT/vigil-server/target/vigil.jar"
PORT_BARE=18090
PORT_VIGIL=18080

# a JDK >= 21: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm (as ./vigil does); builds the jars if missing
source "$ROOT/vigil-bench/find-java.sh"
if [[ ! -f "$BENCH_JAR" || ! -f "$VIGIL_JAR" ]]; then
  (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
fi
HAVE_WRK=0; command -v wrk >/dev/null && HAVE_WRK=1
pin() { # $1 = cpu, rest = command
  local cpu="$1"; shift
  if [[ "$PIN" == 1 ]]; then taskset -c "$cpu" "$@"; else "$@"; fi
}

mkdir -p "$OUT"
"$JAVA" -cp "$BENCH_JAR" io.vigil.bench.http.VesBodyFiles "$OUT" >/dev/null
cat > "$OUT/post.lua" <<'LUA'
-- POSTs the file named by $BODY (read once) on every request
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
LUA
cat > "$OUT/vigil.yaml" <<YAML
http:
  port: $PORT_VIGIL
  host: 127.0.0.1
monitors:
  - eventName: Heartbeat_bench
    heartbeatInterval: 60s
    missedHeartbeats: 3
    timeBase: arrival
publish:
  - type: log
limits:
  newSourcesPerSecond: 100000000  # the bench measures ingest, not the admission of new sources
YAML

SERVER_PID=""
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
  fi
}
trap stop_server EXIT

start_server() { # $1 = bare|vigil ; sets SERVER_PID and PORT
  local which="$1"
  if [[ "$which" == bare ]]; then
    PORT=$PORT_BARE
    pin "$SERVER_CPU" "$JAVA" -Xmx$HEAP -cp "$BENCH_JAR" io.vigil.bench.http.BareVertxServer $PORT >"$OUT/bare.log" 2>&1 &
  else
    PORT=$PORT_VIGIL
    rm -rf "$OUT/data"
    pin "$SERVER_CPU" "$JAVA" -Xmx$HEAP -jar "$VIGIL_JAR" serve --config "$OUT/vigil.yaml" --data-dir "$OUT/data" >"$OUT/vigil.log" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"; then return 0; fi
    sleep 0.2
  done
  echo "run-http-bench: $which server did not come up; see $OUT/$which.log" >&2
  exit 1
}

run_wrk() { # $1 = path, $2 = body file, $3 = seconds ; prints "requests/s non2xx"
  local log="$OUT/wrk.last"
  BODY="$2" pin "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${3}s" -s "$OUT/post.lua" "http://127.0.0.1:$PORT$1" >"$log" 2>&1
  local rps non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$log")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$log"); non2xx=${non2xx:-0}
  echo "${rps:-0} $non2xx"
}

run_send() { # $1 = path, $2 = batch, $3 = seconds ; prints "heartbeats/s failed"
  local json
  json=$(pin "$LOAD_CPU" "$JAVA" -Xmx1g -jar "$VIGIL_JAR" send --json --url "http://127.0.0.1:$PORT$1" \
    -e Heartbeat_bench --sources "$SOURCES" --source-prefix vnf- --batch "$2" --connections "$CONNECTIONS" \
    --duration "${3}s" 2>"$OUT/send.err" || true)
  local hps failed
  hps=$(sed -n 's/.*"heartbeatsPerSecond":\([0-9]*\).*/\1/p' <<<"$json")
  failed=$(sed -n 's/.*"failed":\([0-9]*\).*/\1/p' <<<"$json")
  echo "${hps:-0} ${failed:-?}"
}

run_loop() { # $1 = path, $2 = body file, $3 = seconds ; prints "requests/s failed"
  local line
  line=$(pin "$LOAD_CPU" "$JAVA" -Xmx512m -cp "$BENCH_JAR" io.vigil.bench.http.EventLoopSender "http://127.0.0.1:$PORT$1" "$2" \
    "$CONNECTIONS" "$3" 2>"$OUT/loop.err" || true)
  echo "$(sed -n 's/.*: \([0-9]*\)\/s, \([0-9]*\) failed.*/\1 \2/p' <<<"$line")"
}

printf 'round\tserver\ttool\tmode\theartbeats_per_s\trequests_per_s\terrors\tload1\n' > "$OUT/results.tsv"
record() { # round server tool mode hb/s req/s errors
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%.0f\t%.0f\t%s\t%s\n' "$@" "$load" | tee -a "$OUT/results.tsv"
}

echo "vigil HTTP ingest benchmark: $ROUNDS rounds x ${SECS}s, $CONNECTIONS connections, server cpu $SERVER_CPU, load cpu $LOAD_CPU (pin=$PIN), $(nproc) cpus, java $("$JAVA" -version 2>&1 | head -1)"
echo "results in $OUT"
for r in $(seq 1 "$ROUNDS"); do
  order="bare vigil"; (( r % 2 == 0 )) && order="vigil bare" # alternate, so neither always runs first
  for server in $order; do
    start_server "$server"
    # warm-up: both paths, then measure
    if [[ $HAVE_WRK == 1 ]]; then
      run_wrk /eventListener/v7 "$OUT/single.json" 5 >/dev/null
      run_wrk /eventListener/v7/eventBatch "$OUT/batch100.json" 3 >/dev/null
    else
      run_send /eventListener/v7 1 5 >/dev/null
    fi
    for mode in $MODES; do
      case "$mode" in
        wrk-single)  [[ $HAVE_WRK == 1 ]] || continue
                     read -r rps err < <(run_wrk /eventListener/v7 "$OUT/single.json" "$SECS")
                     record "$r" "$server" wrk single "$rps" "$rps" "$err" ;;
        wrk-batch)   [[ $HAVE_WRK == 1 ]] || continue
                     read -r rps err < <(run_wrk /eventListener/v7/eventBatch "$OUT/batch100.json" "$SECS")
                     record "$r" "$server" wrk batch100 "$(awk "BEGIN{print $rps*100}")" "$rps" "$err" ;;
        send-single) read -r hps err < <(run_send /eventListener/v7 1 "$SECS")
                     record "$r" "$server" send single "$hps" "$hps" "$err" ;;
        send-batch)  read -r hps err < <(run_send /eventListener/v7/eventBatch 100 "$SECS")
                     record "$r" "$server" send batch100 "$hps" "$(awk "BEGIN{print $hps/100}")" "$err" ;;
        loop-single) read -r rps err < <(run_loop /eventListener/v7 "$OUT/single.json" "$SECS")
                     record "$r" "$server" loop single "${rps:-0}" "${rps:-0}" "${err:-?}" ;;
        loop-batch)  read -r rps err < <(run_loop /eventListener/v7/eventBatch "$OUT/batch100.json" "$SECS")
                     record "$r" "$server" loop batch100 "$(awk "BEGIN{print ${rps:-0}*100}")" "${rps:-0}" "${err:-?}" ;;
      esac
    done
    stop_server
  done
done

echo
echo "medians (heartbeats/s) and vigil/bare ratio of medians:"
awk -F'\t' 'NR > 1 { k = $3 " " $4; v[k, $2] = v[k, $2] " " $5; keys[k] = 1 }
  function median(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  END { for (k in keys) { b = median(v[k, "bare"]); g = median(v[k, "vigil"]);
    printf "  %-16s bare %9.0f   vigil %9.0f   vigil/bare %.2f\n", k, b, g, (b > 0 ? g / b : 0) } }' "$OUT/results.tsv" | sort

#!/usr/bin/env bash
# Clients one peer server sustains at a 100 ms interval, against the floor of this machine (docs/benchmarks-peer.md §2).
#
#   vigil-bench/run-peer-capacity.sh [CLIENTS...]          (default: 3000 5000 7000 10000)
#
# For each client count it runs, one after the other, on loopback:
#   bare  — BareHeartbeatServer: plain NIO that answers every line with one heartbeat-sized line, no protocol (the
#           least any heartbeat server can cost here: the kernel's loopback TCP and an event loop);
#   vigil — PeerBenchServer: the real adapter (PeerHeartbeat, server mode, interval 100 ms, timeout 200 ms);
# each with PeerLoadGenerator (plain-NIO clients, 2 shards) in its own JVM. A vigil run hangs one random client every
# 500 ms after the warm-up and matches the hangs with the server's timeout events. Every run lasts RUN_SECONDS
# (default 40).
# PIN=1 runs the server on CPU 1 and the generator on CPU 0 (taskset), so each gets exactly one core.
# LOOPS (default 2): the servers' event loops. Output: one summary line per run, full logs under OUT.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/vigil-bench/find-java.sh"
if [[ $# -gt 0 ]]; then CLIENTS=("$@"); else CLIENTS=(3000 5000 7000 10000); fi
SECONDS_PER_RUN="${RUN_SECONDS:-40}"
LOOPS="${LOOPS:-2}"; PORT="${PORT:-7390}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-peer-capacity.XXXXXX)}"
(cd "$ROOT" && ./vigil mvn -q -B -pl vigil-peer -am test-compile \
  && ./vigil mvn -q -B -pl vigil-peer dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" -Dmdep.includeScope=test)
CP="$ROOT/vigil-peer/target/classes:$ROOT/vigil-peer/target/test-classes:$(cat "$OUT/cp.txt")"
SRV_PIN=(); GEN_PIN=()
if [[ "${PIN:-0}" == 1 ]]; then SRV_PIN=(taskset -c 1); GEN_PIN=(taskset -c 0); fi

# Steady-state means of a column "name=value" over the report lines after the warm-up (t >= 15 s, before the end).
steady() { { grep -E "^t= *(1[5-9]|[2-9][0-9])s" "$1" || true; } | head -n $(( (SECONDS_PER_RUN - 15) / 5 )) \
  | { grep -o "$2=[ 0-9.]*" || true; } | awk -F= '{s+=$2; n++} END {if (n) printf "%.2f", s/n; else printf "-"}'; }

echo "# $(date -u +%FT%TZ) $(nproc) cpus, loadavg $(cut -d' ' -f1-3 /proc/loadavg), pin=${PIN:-0}, loops=$LOOPS, ${SECONDS_PER_RUN}s per run, logs in $OUT"
printf "%-6s %7s %12s %10s %10s %12s %10s %s\n" server clients "server cpu" "gen cpu" "recv/s" "server hb/s" silent "timeouts (spurious) / detection delay"
for n in "${CLIENTS[@]}"; do
  for kind in bare vigil; do
    log="$OUT/$kind-$n"; : > "$log.timeouts"
    if [[ $kind == bare ]]; then
      "${SRV_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.BareHeartbeatServer "$PORT" $((SECONDS_PER_RUN + 5)) "$LOOPS" > "$log.server" 2>&1 &
      hang=0
    else
      "${SRV_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.PeerBenchServer "$PORT" 100 200 $((SECONDS_PER_RUN + 5)) "$log.timeouts" "$LOOPS" > "$log.server" 2>&1 &
      hang=500
    fi
    srv=$!
    sleep 2
    "${GEN_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.PeerLoadGenerator 127.0.0.1 "$PORT" "$n" 100 "$SECONDS_PER_RUN" 2 "$hang" "$log.timeouts" > "$log.generator" 2>&1 || true
    wait "$srv" || true
    verdict="$( (grep -E '^hangs=' "$log.generator" || true) | sed 's/.*: \([0-9]* timeouts, [0-9]* spurious\)/\1/') $( (grep -E '^detection delay' "$log.generator" || true) | sed 's/detection delay after hang ms: //')"
    hb="$(steady "$log.server" 'heartbeats/s')"; [[ $kind == bare ]] && hb="$(steady "$log.server" 'lines/s')"
    printf "%-6s %7d %12s %10s %10s %12s %10s %s\n" "$kind" "$n" "$(steady "$log.server" cpu)" \
      "$(steady "$log.generator" cpu)" "$(steady "$log.generator" 'received/s')" "$hb" "$(steady "$log.generator" silent)" \
      "$([[ $kind == vigil ]] && echo "$verdict" || echo -)"
    PORT=$((PORT + 1))
  done
done

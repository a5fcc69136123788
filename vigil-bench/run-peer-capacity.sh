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
# PAIRS (default 2): bare/vigil pairs per client count, alternating, so both see the same machine (it is shared and
# noisy: compare the ratio, not the absolute figures). LOOPS (default 2): the servers' event loops.
# GEN_SHARDS (default 2): the generator's selector threads.
# Both servers run with the JVM options ./vigil always passes (--enable-native-access=ALL-UNNAMED
# --sun-misc-unsafe-memory-access=allow): without them Netty runs without sun.misc.Unsafe on JDK 24+ (its selector
# then keeps the JDK's HashSet of selected keys, and its buffers take the checked paths), which is not the server
# as deployed. The bare floor is plain NIO and uses neither. LAUNCHER_OPTS=0 leaves them out (as before 2026-12-07).
# SERVER_OPTS: extra JVM options for both servers (e.g. -XX:StartFlightRecording=filename=/tmp/x.jfr).
# Output: one summary line per run (with the load average at its start and the server's CPU per heartbeat: server
# CPU time / heartbeats it read, in µs), then per client count the ratio vigil / bare of the summed server CPU and of
# the CPU per heartbeat — the figure of issue 14 (goal ≤ 1.15 pinned at 5,000). Full logs under OUT.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/vigil-bench/find-java.sh"
if [[ $# -gt 0 ]]; then CLIENTS=("$@"); else CLIENTS=(3000 5000 7000 10000); fi
SECONDS_PER_RUN="${RUN_SECONDS:-40}"
LOOPS="${LOOPS:-2}"; PAIRS="${PAIRS:-2}"; PORT="${PORT:-7390}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-peer-capacity.XXXXXX)}"; mkdir -p "$OUT"
# Offline: the test classpath is read from the compiler plugin's debug output (the dependency plugin's own
# dependencies are not in every local repository).
(cd "$ROOT" && ./vigil mvn -q -B -o -pl vigil-peer -am test-compile \
  && ./vigil mvn -B -o -X -pl vigil-peer test-compile > "$OUT/build.log" 2>&1)
CP="$(sed -n 's/.*(f) testPath = \[\(.*\)\]$/\1/p' "$OUT/build.log" | head -n 1 | sed 's/, /:/g')"
[[ -n "$CP" ]] || { echo "no test classpath in $OUT/build.log" >&2; exit 1; }
SRV_PIN=(); GEN_PIN=(); read -r -a SRV_OPTS <<< "${SERVER_OPTS:-}"
if [[ "${LAUNCHER_OPTS:-1}" == 1 ]]; then
  SRV_OPTS=(--enable-native-access=ALL-UNNAMED "${SRV_OPTS[@]}")
  (( ${JAVA_MAJOR:-0} >= 23 )) && SRV_OPTS=(--sun-misc-unsafe-memory-access=allow "${SRV_OPTS[@]}")
fi
if [[ "${PIN:-0}" == 1 ]]; then SRV_PIN=(taskset -c 1); GEN_PIN=(taskset -c 0); fi

# Steady-state means of a column "name=value" over the report lines after the warm-up (t >= 15 s, before the end).
steady() { { grep -E "^t= *(1[5-9]|[2-9][0-9])s" "$1" || true; } | head -n $(( (SECONDS_PER_RUN - 15) / 5 )) \
  | { grep -o "$2=[ 0-9.]*" || true; } | awk -F= '{s+=$2; n++} END {if (n) printf "%.2f", s/n; else printf "-"}'; }

echo "# $(date -u +%FT%TZ) $(nproc) cpus, loadavg $(cut -d' ' -f1-3 /proc/loadavg), pin=${PIN:-0}, launcher opts=${LAUNCHER_OPTS:-1}, loops=$LOOPS, generator shards=${GEN_SHARDS:-2}, pairs=$PAIRS, ${SECONDS_PER_RUN}s per run, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo -), logs in $OUT"
printf "%-6s %7s %5s %12s %10s %10s %12s %8s %10s %s\n" server clients load "server cpu" "gen cpu" "recv/s" "server hb/s" "µs/hb" silent "timeouts (spurious) / detection delay"
for n in "${CLIENTS[@]}"; do
  declare -A CPU_SUM=() US_SUM=() RUNS=(); short=0
  for ((pair = 1; pair <= PAIRS; pair++)); do
  for kind in bare vigil; do
    log="$OUT/$kind-$n-$pair"; : > "$log.timeouts"
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if [[ $kind == bare ]]; then
      "${SRV_PIN[@]}" "$JAVA" -Xmx1g "${SRV_OPTS[@]}" -cp "$CP" io.vigil.peer.bench.BareHeartbeatServer "$PORT" $((SECONDS_PER_RUN + 5)) "$LOOPS" > "$log.server" 2>&1 &
      hang=0
    else
      "${SRV_PIN[@]}" "$JAVA" -Xmx1g "${SRV_OPTS[@]}" -cp "$CP" io.vigil.peer.bench.PeerBenchServer "$PORT" 100 200 $((SECONDS_PER_RUN + 5)) "$log.timeouts" "$LOOPS" > "$log.server" 2>&1 &
      hang=500
    fi
    srv=$!
    # Until it listens (a cold JVM on a busy machine takes more than a second or two), at most 60 s.
    for ((w = 0; w < 600; w++)); do grep -q 'ready on' "$log.server" 2>/dev/null && break; sleep 0.1; done
    "${GEN_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.PeerLoadGenerator 127.0.0.1 "$PORT" "$n" 100 "$SECONDS_PER_RUN" "${GEN_SHARDS:-2}" "$hang" "$log.timeouts" > "$log.generator" 2>&1 || true
    wait "$srv" || true
    verdict="$( (grep -E '^hangs=' "$log.generator" || true) | sed 's/.*: \([0-9]* timeouts, [0-9]* spurious\)/\1/') $( (grep -E '^detection delay' "$log.generator" || true) | sed 's/detection delay after hang ms: //')"
    hb="$(steady "$log.server" 'heartbeats/s')"; [[ $kind == bare ]] && hb="$(steady "$log.server" 'lines/s')"
    cpu="$(steady "$log.server" cpu)"
    us="$(awk -v c="$cpu" -v h="$hb" 'BEGIN {if (h + 0 > 0 && c != "-") printf "%.2f", c * 1e6 / h; else printf "-"}')"
    # Sustained: the generator received at least 95 % of the heartbeats it asked for (clients × 10/s).
    if ! awk -v r="$(steady "$log.generator" 'received/s')" -v n="$n" 'BEGIN {exit !(r != "-" && r >= 9.5 * n)}'; then
      short=$((short + 1))
    fi
    if [[ $cpu != - && $us != - ]]; then
      CPU_SUM[$kind]="$(awk -v a="${CPU_SUM[$kind]:-0}" -v b="$cpu" 'BEGIN {print a + b}')"
      US_SUM[$kind]="$(awk -v a="${US_SUM[$kind]:-0}" -v b="$us" 'BEGIN {print a + b}')"
      RUNS[$kind]=$(( ${RUNS[$kind]:-0} + 1 ))
    fi
    printf "%-6s %7d %5s %12s %10s %10s %12s %8s %10s %s\n" "$kind" "$n" "$load" "$cpu" \
      "$(steady "$log.generator" cpu)" "$(steady "$log.generator" 'received/s')" "$hb" "$us" "$(steady "$log.generator" silent)" \
      "$([[ $kind == vigil ]] && echo "$verdict" || echo -)"
    PORT=$((PORT + 1))
  done
  done
  if ((short > 0)); then
    echo "WARNING: $short of $((2 * PAIRS)) runs at $n clients not sustained (received < 95 % of clients x 10/s): the machine or the server was short of CPU, the ratio below is not the server's cost"
  fi
  if [[ -n "${RUNS[bare]:-}" && -n "${RUNS[vigil]:-}" ]]; then
    awk -v n="$n" -v cb="${CPU_SUM[bare]}" -v cv="${CPU_SUM[vigil]}" -v ub="${US_SUM[bare]}" -v uv="${US_SUM[vigil]}" \
        -v rb="${RUNS[bare]}" -v rv="${RUNS[vigil]}" 'BEGIN {
      printf "ratio vigil/bare at %d clients: server cpu %.2fx (%.2f / %.2f cores), cpu per heartbeat %.2fx (%.2f / %.2f us), %d+%d runs\n",
        n, (cv / rv) / (cb / rb), cv / rv, cb / rb, (uv / rv) / (ub / rb), uv / rv, ub / rb, rb, rv }'
  else
    echo "ratio vigil/bare at $n clients: - (a run gave no figures, see $OUT)"
  fi
  unset CPU_SUM US_SUM RUNS
done

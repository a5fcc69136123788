#!/usr/bin/env bash
# Spurious timeouts of a peer server while thousands of clients connect at once (issue 12; docs/benchmarks-peer.md §3).
#
#   vigil-bench/run-peer-burst.sh [CLIENTS...]          (default: 5000)
#
# For each client count: PeerBenchServer (the real adapter, interval 100 ms, timeout 200 ms, LOOPS event loops) is
# started, and once it listens PeerLoadGenerator opens every client at once (CONNECT_WAVE unfinished handshakes per
# generator shard, default 0 = no limit: every connect issued at once, as a fleet reconnecting after a server restart
# does; until 2026-12-07 08:10 this script used waves of 200) and keeps them beating for RUN_SECONDS (default 30).
# The line shows the connect span the generator measured: from its first connect to the last client whose handshake
# completed (server hello read and answered), with its 50/90/99 % points, and the kernel's listen-queue overflows and
# drops and SYN cookies sent during the run (nstat, whole host: an overflow costs the client a 1-s SYN-ACK retry; the
# server's accept queue is max(4096, net.core.somaxconn) deep: raise somaxconn above CLIENTS to rule overflows out). No client hangs and none closes while it runs, so every server timeout event until the generator ends
# is spurious: the line reports them (connect burst included) and how many came in the first 5 s. When the generator
# exits it closes all its clients, and the server rightly reports a timeout for each; those come after the run's end
# (start + RUN_SECONDS + the generator's 2-s grace) and are reported apart ("at exit"), not as spurious.
# PIN=1 (the default here) runs the server on CPU 1 and the generator on CPU 0 (taskset).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/vigil-bench/find-java.sh"
if [[ $# -gt 0 ]]; then CLIENTS=("$@"); else CLIENTS=(5000); fi
SECONDS_PER_RUN="${RUN_SECONDS:-30}"
LOOPS="${LOOPS:-2}"; PORT="${PORT:-7490}"; CONNECT_WAVE="${CONNECT_WAVE:-0}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-peer-burst.XXXXXX)}"; mkdir -p "$OUT"
# Offline: the test classpath is read from the compiler plugin's debug output, as run-peer-capacity.sh does (the
# dependency plugin's own dependencies are not in every local repository).
(cd "$ROOT" && ./vigil mvn -q -B -o -pl vigil-peer -am test-compile \
  && ./vigil mvn -B -o -X -pl vigil-peer test-compile > "$OUT/build.log" 2>&1)
CP="$(sed -n 's/.*(f) testPath = \[\(.*\)\]$/\1/p' "$OUT/build.log" | head -n 1 | sed 's/, /:/g')"
[[ -n "$CP" ]] || { echo "no test classpath in $OUT/build.log" >&2; exit 1; }
SRV_PIN=(); GEN_PIN=()
if [[ "${PIN:-1}" == 1 ]]; then SRV_PIN=(taskset -c 1); GEN_PIN=(taskset -c 0); fi

echo "# $(date -u +%FT%TZ) commit $(git -C "$ROOT" rev-parse --short HEAD) $(nproc) cpus, loadavg $(cut -d' ' -f1-3 /proc/loadavg), pin=${PIN:-1}, loops=$LOOPS, connect wave ${CONNECT_WAVE} per shard (0: all at once), somaxconn $(cat /proc/sys/net/core/somaxconn) (server acceptBacklog max(4096, somaxconn)), tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog), ${SECONDS_PER_RUN}s per run, logs in $OUT"
for n in "${CLIENTS[@]}"; do
  log="$OUT/burst-$n"; : > "$log.timeouts"
  "${SRV_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.PeerBenchServer "$PORT" 100 200 $((SECONDS_PER_RUN + 5)) "$log.timeouts" "$LOOPS" > "$log.server" 2>&1 &
  srv=$!
  for _ in $(seq 600); do grep -q "server ready" "$log.server" 2>/dev/null && break; sleep 0.1; done
  nstat -n >/dev/null 2>&1 || true # resets nstat's history: the next call prints the deltas of this run
  start_ms=$(date +%s%3N)
  "${GEN_PIN[@]}" "$JAVA" -Xmx1g -cp "$CP" io.vigil.peer.bench.PeerLoadGenerator 127.0.0.1 "$PORT" "$n" 100 "$SECONDS_PER_RUN" 2 0 "$log.timeouts" "$CONNECT_WAVE" > "$log.generator" 2>&1 || true
  nstat -z TcpExtListenOverflows TcpExtListenDrops TcpExtSyncookiesSent > "$log.nstat" 2>&1 || true
  kcount() { awk -v k="$1" '$1 == k {print $2}' "$log.nstat"; }
  wait "$srv" || true
  end_ms=$((start_ms + (SECONDS_PER_RUN + 2) * 1000))
  total=$(awk -v e="$end_ms" '$2 < e' "$log.timeouts" | wc -l)
  atexit=$(awk -v e="$end_ms" '$2 >= e' "$log.timeouts" | wc -l)
  first5=$(awk -v s="$start_ms" '$2 < s + 5000' "$log.timeouts" | wc -l)
  connected5=$( (grep -E '^t= *5s' "$log.generator" || true) | grep -o 'connected= *[0-9]*' | tr -d ' ' | cut -d= -f2)
  closes=$( (grep -E '^generator:' "$log.generator" || true) | grep -o 'closes [0-9]*' | cut -d' ' -f2)
  dropped=$( (grep -E '^generator:' "$log.generator" || true) | grep -o 'send slots dropped [0-9]*' | awk '{print $4}')
  span=$( (grep -E '^connect span:' "$log.generator" || true) | sed 's/^connect span: //')
  printf "clients=%d connected@5s=%s spurious timeouts=%s (first 5 s: %s; at exit, not counted: %s) generator closes=%s slots dropped=%s\n" \
    "$n" "${connected5:-?}" "$total" "$first5" "$atexit" "${closes:-?}" "${dropped:-?}"
  printf "  connect span: %s; listen overflows=%s drops=%s syncookies sent=%s\n" "${span:-?}" \
    "$(kcount TcpExtListenOverflows)" "$(kcount TcpExtListenDrops)" "$(kcount TcpExtSyncookiesSent)"
  PORT=$((PORT + 1))
done

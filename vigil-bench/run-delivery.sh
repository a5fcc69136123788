#!/usr/bin/env bash
# Delivery lag per sink (webhook, webhook in batch mode, Message Router stand-in, Kafka), before and after the
# pipelined/batched delivery (issue 14), in one run: steady state (1 % of SOURCES die among a live fleet) and storm
# (all SOURCES silent at once). Receivers and the Kafka broker run in the bench process; each Vigil server is a child
# process with its own H2 store.
#
#   vigil-bench/run-delivery.sh [both|steady|storm] [SOURCES]          (defaults: both 100000)
#
# BEFORE_JAR: the server jar to compare with; default: built from BEFORE_REF (default 4022d2f^, the commit before the
# delivery work) in a temporary copy of the repository. AFTER_JAR: default this tree's vigil-server/target/vigil.jar.
# Env passed on: THRESHOLD (s, default 45), SPREAD (steady, s, default 15), SILENT_EVERY (steady, default 100), HEAP,
# SINKS (all, the default, or a comma-separated subset of webhook,webhook-batch,mr,kafka: each sink alone, e.g.
# SINKS=kafka), SERVER_OPTS (extra JVM options for the server processes only, e.g.
# "-XX:StartFlightRecording=filename=/tmp/storm/rec-%p.jfr,settings=profile"), WARMUP (steady: the first ONSETs of a
# round reported apart, default 100), STORM_WARMUP (sources of a bench-driven warm-up of each server before its round:
# STORM_WARMUP_ROUNDS ONSET storms with ABATED storms between them through every sink, default 0 = none),
# STORM_WARMUP_FOR (the labels that get it, e.g. after; default all). A storm round also prints the server's CPU by
# thread (compiler and GC threads included) from 100 ms before the deadline to the last ONSET.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WHICH="${1:-both}"; N="${2:-100000}"
OUT="${OUT:-$(mktemp -d /tmp/vigil-delivery.XXXXXX)}"
BENCH_JAR="$ROOT/vigil-bench/target/vigil-bench.jar"
AFTER_JAR="${AFTER_JAR:-$ROOT/vigil-server/target/vigil.jar}"
source "$ROOT/vigil-bench/find-java.sh"
if [[ ! -f "$BENCH_JAR" || ! -f "$AFTER_JAR" ]]; then
  (cd "$ROOT" && ./vigil mvn -q -B -o -DskipTests -pl vigil-bench -am package)
fi
if [[ -z "${BEFORE_JAR:-}" ]]; then
  REF="${BEFORE_REF:-4022d2f^}"
  SRC="$OUT/before-src"; mkdir -p "$SRC"
  git -C "$ROOT" archive "$REF" | tar -x -C "$SRC"
  (cd "$SRC" && ./vigil mvn -q -B -o -DskipTests -pl vigil-server -am package)
  BEFORE_JAR="$SRC/vigil-server/target/vigil.jar"
fi
echo "commit: $(git -C "$ROOT" rev-parse --short HEAD); before: $BEFORE_JAR; after: $AFTER_JAR; output: $OUT"
"$JAVA" -Xmx1g -cp "$BENCH_JAR" io.vigil.bench.http.DeliveryLag "$OUT" "$WHICH" "$N" "$BEFORE_JAR=before" "$AFTER_JAR=after"

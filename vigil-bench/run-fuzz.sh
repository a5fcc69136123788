#!/usr/bin/env bash
# Long fuzz campaign over Vigil's parsers (docs/fuzzing.md): the VES parser, the config readers (YAML and ONAP JSON),
# the peer frame codec, Message Router batch parsing and the collector RPC body, TRIES inputs each (default 100000).
# The suite runs the same properties with 1000 tries. A finding fails its property and prints the shrunk input and
# the seed (rerun with -Djqwik.seeds.whenfixed=... or add the input to the corpus under src/test/resources/fuzz/).
#   vigil-bench/run-fuzz.sh [TRIES]
set -euo pipefail
cd "$(dirname "$0")/.."
TRIES="${1:-100000}"
start=$(date +%s)
./vigil mvn -B -o -pl vigil-core,vigil-transport,vigil-collect,vigil-server -am \
  -Dtest='VesParserFuzzTest,ParserFuzzTest,AnswerItemsFuzzTest,CollectorRpcFuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Djqwik.tries.default="$TRIES" -DskipITs test | grep -E 'Tests run:|FAIL|escaped|hang|tries|checks' || true
echo "fuzz campaign: $TRIES tries per property, $(( $(date +%s) - start )) s"

#!/bin/sh
# Worker script: receives {"id","events":[...]} on stdin for every status change; appends it to events.jsonl.
STATE="${VIGIL_EXAMPLE_DIR:-/tmp/vigil-example}"
mkdir -p "$STATE"
{ cat; echo; } >> "$STATE/events.jsonl"

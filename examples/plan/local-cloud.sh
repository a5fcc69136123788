#!/bin/sh
# A "local cloud" for the example plan: local processes stand in for cloud instances and services.
#   local-cloud.sh listen PORT NAME   start a TCP listener (an instance's sshd, a database port) in the background
#   local-cloud.sh stop NAME          stop it
#   local-cloud.sh touch FILE         mark a step's outcome (binaries bootstrapped, files installed, ...)
#   local-cloud.sh clean              stop everything and forget all state
# State lives in ${VIGIL_EXAMPLE_DIR:-/tmp/vigil-example}.
set -eu
STATE="${VIGIL_EXAMPLE_DIR:-/tmp/vigil-example}"
mkdir -p "$STATE"
case "$1" in
  listen)
    [ -f "$STATE/$3.pid" ] && kill -0 "$(cat "$STATE/$3.pid")" 2>/dev/null && exit 0
    nohup python3 -c "
import socket,sys
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(64)
while True:
    c,_=s.accept(); c.close()" "$2" >/dev/null 2>&1 &
    echo $! > "$STATE/$3.pid"
    sleep 0.3
    ;;
  stop)
    [ -f "$STATE/$2.pid" ] && kill "$(cat "$STATE/$2.pid")" 2>/dev/null || true
    rm -f "$STATE/$2.pid"
    ;;
  touch)
    touch "$STATE/$2"
    ;;
  clean)
    for p in "$STATE"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    rm -rf "$STATE"
    ;;
esac

#!/bin/sh
# The one action of the example: reads {"event":...,"action":...} on stdin and does what VIGIL_GROUP says,
# with local processes standing in for the cloud. Logs every call to $STATE/actions.log.
set -eu
HERE="$(cd "$(dirname "$0")" && pwd)"
STATE="${VIGIL_EXAMPLE_DIR:-/tmp/vigil-example}"
mkdir -p "$STATE"
echo "$(date +%T) $VIGIL_ACTION group=$VIGIL_GROUP level=$VIGIL_LEVEL input=$(cat)" >> "$STATE/actions.log"
case "$VIGIL_GROUP" in
  launch-db-1)      "$HERE/local-cloud.sh" touch db-1.launched ;;          # instance launched (API call)
  start-db-1)       "$HERE/local-cloud.sh" listen 22201 db-1-sshd ;;       # instance started: its sshd answers
  bootstrap)        "$HERE/local-cloud.sh" touch binaries ;;               # binaries bootstrapped
  start-mariadb)    "$HERE/local-cloud.sh" listen 23306 mariadb ;;         # database running
  install-files)    "$HERE/local-cloud.sh" touch datafiles ;;              # database files installed
  replication)      "$HERE/local-cloud.sh" touch replication ;;            # replication running
  proxies)          "$HERE/local-cloud.sh" touch proxy.conf ;;             # proxies reconfigured
  *) echo "unknown group $VIGIL_GROUP" >&2; exit 2 ;;
esac

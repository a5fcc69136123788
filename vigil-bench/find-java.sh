# Sourced by the run-*.sh scripts: sets JAVA to a JDK >= 21 (JAVA_HOME if it is one, else the newest under
# /usr/lib/jvm), the same rule as ./vigil; exits 2 naming the calling script if there is none.
JAVA=""
jdk_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null || true; }
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && "$(jdk_major "$JAVA_HOME")" -ge 21 ]] 2>/dev/null; then
  JAVA="$JAVA_HOME/bin/java"
else
  best=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"; v="$(jdk_major "$d")"
    if [[ -n "$v" && -x "$d/bin/java" && "$v" -ge 21 && "$v" -gt $best ]]; then JAVA="$d/bin/java"; best=$v; fi
  done
fi
if [[ -z "$JAVA" ]]; then
  echo "$(basename "$0"): no JDK >= 21 found; set JAVA_HOME to one" >&2
  exit 2
fi
# the chosen JDK's major version: options such as --sun-misc-unsafe-memory-access (JDK 23+) depend on it
JAVA_MAJOR="$(jdk_major "$(dirname "$(dirname "$JAVA")")")"

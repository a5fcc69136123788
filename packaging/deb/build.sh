#!/usr/bin/env bash
# Builds Vigil's self-contained Debian package from the fat jar: ./vigil package [OUTPUT_DIR]
#
# jlink makes a runtime of only the JDK modules the jar needs (jdeps), jpackage turns jar + runtime into a .deb
# installed under /opt/vigil, and this script adds what makes it a service: /usr/bin/vigil, the systemd unit
# vigil.service (user vigil, created by postinst), /etc/vigil/vigil.yaml (a conffile) and /var/lib/vigil.
# Needs a JDK >= 21 in JAVA_HOME (./vigil picks one), fakeroot and dpkg-deb. Prints the path of the .deb.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$ROOT/vigil-server/target/vigil.jar"
OUT="$(mkdir -p "${1:-$ROOT/target/package}" && cd "${1:-$ROOT/target/package}" && pwd)"
BIN="${JAVA_HOME:?set JAVA_HOME to a JDK >= 21 (./vigil package does)}/bin"

for tool in fakeroot dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "vigil package: $tool is missing (apt-get install fakeroot dpkg-dev)" >&2; exit 2; }
done
[[ -f "$JAR" ]] || { echo "vigil package: $JAR is missing; build it with ./vigil --version" >&2; exit 2; }

# jpackage wants a numeric version: 0.1.0-SNAPSHOT is packaged as 0.1.0
VERSION="$(unzip -p "$JAR" META-INF/MANIFEST.MF | tr -d '\r' | sed -n 's/^Implementation-Version: //p')"
DEB_VERSION="${VERSION%%-*}"
JAVA_MAJOR="$("$BIN/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

echo "vigil package: runtime (jlink) ..." >&2
MODULES="$("$BIN/jdeps" --multi-release "$JAVA_MAJOR" --ignore-missing-deps --print-module-deps "$JAR")"
# found only through reflection or service loading: JMX (metrics), TLS, DNS and the zip file system
MODULES="$MODULES,java.management,jdk.management,jdk.crypto.ec,jdk.naming.dns,jdk.zipfs"
# Vigil runs headless: leave out the AWT/X11 and sound natives, so the package needs no X libraries
"$BIN/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
  --exclude-files='**/libawt_xawt.so,**/libsplashscreen.so,**/libjsound.so,**/libjawt.so' \
  --output "$WORK/runtime"

mkdir "$WORK/input"
cp "$JAR" "$WORK/input/vigil.jar"
# -XX:+ExitOnOutOfMemoryError: out of memory the service ends and systemd restarts it (Restart=on-failure)
JAVA_OPTIONS=(-XX:+ExitOnOutOfMemoryError -XX:+UseG1GC -Xmx1g --enable-native-access=ALL-UNNAMED)
(( JAVA_MAJOR >= 23 )) && JAVA_OPTIONS+=(--sun-misc-unsafe-memory-access=allow)

echo "vigil package: jpackage ..." >&2
# jpackage's own .deb is only unpacked again below: no point compressing it
DPKG_DEB_COMPRESSOR_TYPE=none "$BIN/jpackage" --type deb --dest "$WORK/jpackage" --name vigil --app-version "$DEB_VERSION" \
  --input "$WORK/input" --main-jar vigil.jar --runtime-image "$WORK/runtime" --install-dir /opt \
  --java-options "${JAVA_OPTIONS[*]}" \
  --description "Vigil heartbeat and liveness service (drop-in for ONAP's DCAE heartbeat service)" \
  --vendor Vigil --license-file "$ROOT/LICENSE" \
  --linux-package-name vigil --linux-app-category admin --linux-deb-maintainer vigil@localhost
DEB="$(ls "$WORK"/jpackage/*.deb)"

echo "vigil package: service files ..." >&2
TREE="$WORK/tree"
dpkg-deb -R "$DEB" "$TREE"
install -d "$TREE/usr/bin" "$TREE/lib/systemd/system" "$TREE/etc/vigil" "$TREE/var/lib/vigil"
ln -s /opt/vigil/bin/vigil "$TREE/usr/bin/vigil"
install -m 0644 "$HERE/vigil.service" "$TREE/lib/systemd/system/vigil.service"
install -m 0640 "$HERE/vigil.yaml" "$TREE/etc/vigil/vigil.yaml"
rm -f "$TREE/DEBIAN/preinst" # jpackage's does nothing for a package without desktop integration
for script in postinst prerm postrm; do install -m 0755 "$HERE/$script" "$TREE/DEBIAN/$script"; done
echo /etc/vigil/vigil.yaml > "$TREE/DEBIAN/conffiles"
sed -i "s/^Installed-Size: .*/Installed-Size: $(du -sk --exclude=DEBIAN "$TREE" | cut -f1)/" "$TREE/DEBIAN/control"

TARGET="$OUT/vigil_${DEB_VERSION}_$(dpkg --print-architecture).deb"
# xz unless DPKG_DEB_COMPRESSOR_TYPE/_LEVEL say otherwise (the test suite takes gzip -1 to save CPU)
DPKG_DEB_COMPRESSOR_TYPE="${DPKG_DEB_COMPRESSOR_TYPE:-xz}" fakeroot dpkg-deb --build "$TREE" "$TARGET" >/dev/null
echo "$TARGET"

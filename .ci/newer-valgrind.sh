#!/usr/bin/env bash
# A valgrind >= 3.22 for the cachegrind backend's tests, where the system's is older
# (Debian 12 ships 3.19; cachegrind's client requests came with 3.22): Debian 13's
# package, checked against the archive's index and unpacked into a folder of its own,
# with a launcher that finds its tools there. The system's valgrind stays the default.
# Prints that folder (it holds `valgrind` and `root/usr/include`); prints nothing when
# the system's valgrind is new enough or none can be fetched (the cachegrind tests then
# skip, saying why).
set -euo pipefail
DEST=${PERFCOUNT_CI_VALGRIND_DIR:-/opt/perfcount-ci/valgrind}
MIRROR=http://deb.debian.org/debian
SUITE=trixie

version=$(valgrind --version 2>/dev/null || true)
if [[ $version =~ ^valgrind-([0-9]+)\.([0-9]+) ]] &&
  ((BASH_REMATCH[1] > 3 || (BASH_REMATCH[1] == 3 && BASH_REMATCH[2] >= 22))); then
  exit 0
fi
if [ -x "$DEST/valgrind" ] && "$DEST/valgrind" --version >/dev/null 2>&1; then
  echo "$DEST"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
  curl -fsS --max-time 120 -o "$tmp/Packages.xz" "$MIRROR/dists/$SUITE/main/binary-amd64/Packages.xz"
  xz -dc "$tmp/Packages.xz" | awk -v RS= '/^Package: valgrind\n/' >"$tmp/entry"
  file=$(sed -n 's/^Filename: //p' "$tmp/entry")
  sum=$(sed -n 's/^SHA256: //p' "$tmp/entry")
  [ -n "$file" ] && [ -n "$sum" ]
  curl -fsS --max-time 300 -o "$tmp/valgrind.deb" "$MIRROR/$file"
  echo "$sum  $tmp/valgrind.deb" | sha256sum -c --quiet
  rm -rf "$DEST"
  mkdir -p "$DEST"
  dpkg-deb -x "$tmp/valgrind.deb" "$DEST/root"
  cat >"$DEST/valgrind" <<LAUNCHER
#!/bin/sh
VALGRIND_LIB=$DEST/root/usr/libexec/valgrind exec $DEST/root/usr/bin/valgrind.bin "\$@"
LAUNCHER
  chmod 0755 "$DEST/valgrind"
  "$DEST/valgrind" --version >/dev/null
} >&2 || {
  echo "warning: could not fetch a valgrind >= 3.22; the cachegrind tests will skip" >&2
  exit 0
}
echo "$DEST"

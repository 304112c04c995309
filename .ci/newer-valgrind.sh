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
# each step stops the fetch when it fails (set -e does not hold inside a function
# whose status is tested)
fetch() {
  # the index and the package with Python's standard library (no curl or xz needed)
  python3 - "$MIRROR" "$SUITE" "$tmp/valgrind.deb" <<'PY' || return 1
import hashlib, lzma, sys, urllib.request
mirror, suite, out = sys.argv[1:]
index = urllib.request.urlopen(f"{mirror}/dists/{suite}/main/binary-amd64/Packages.xz", timeout=120)
entries = lzma.decompress(index.read()).decode().split("\n\n")
entry = next(e for e in entries if e.startswith("Package: valgrind\n"))
fields = dict(line.split(": ", 1) for line in entry.splitlines() if ": " in line)
data = urllib.request.urlopen(f"{mirror}/{fields['Filename']}", timeout=300).read()
if hashlib.sha256(data).hexdigest() != fields["SHA256"]:
    sys.exit(f"{fields['Filename']}: the SHA256 does not match the archive's index")
with open(out, "wb") as f:
    f.write(data)
PY
  rm -rf "$DEST" && mkdir -p "$DEST" && dpkg-deb -x "$tmp/valgrind.deb" "$DEST/root" || return 1
  printf '#!/bin/sh\nVALGRIND_LIB=%s/root/usr/libexec/valgrind exec %s/root/usr/bin/valgrind.bin "$@"\n' \
    "$DEST" "$DEST" >"$DEST/valgrind" || return 1
  chmod 0755 "$DEST/valgrind" && "$DEST/valgrind" --version >/dev/null
}
if ! fetch >&2; then
  echo "warning: could not fetch a valgrind >= 3.22; the cachegrind tests will skip" >&2
  exit 0
fi
echo "$DEST"

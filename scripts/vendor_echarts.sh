#!/bin/sh
# Vendor Apache ECharts from the npm registry into gongzhi/static/vendor/echarts/ (no CDN: the
# page loads the copy kept in the repository, nothing is fetched at run time).
#
#   scripts/vendor_echarts.sh            # the pinned version below
#   ECHARTS_VERSION=6.1.0 scripts/vendor_echarts.sh
#
# It packs echarts@VERSION with `npm pack` in a temporary folder, checks the tarball against the
# registry's dist.integrity (sha512), and copies dist/echarts.min.js, LICENSE and NOTICE with a
# VERSION file. Commit the result.
set -eu

VERSION="${ECHARTS_VERSION:-6.1.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/gongzhi/static/vendor/echarts"

command -v npm >/dev/null 2>&1 || { echo "npm is required (apt install npm)" >&2; exit 1; }
command -v openssl >/dev/null 2>&1 || { echo "openssl is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT INT TERM
cd "$WORK"

EXPECTED="$(npm view "echarts@$VERSION" dist.integrity)"
case "$EXPECTED" in
  sha512-*) ;;
  *) echo "the registry gave no sha512 integrity for echarts@$VERSION: '$EXPECTED'" >&2; exit 1 ;;
esac

TARBALL="$(npm pack "echarts@$VERSION" --silent | tail -n 1)"
ACTUAL="sha512-$(openssl dgst -sha512 -binary "$TARBALL" | openssl base64 -A)"
if [ "$ACTUAL" != "$EXPECTED" ]; then
  echo "integrity mismatch for $TARBALL: registry $EXPECTED, tarball $ACTUAL" >&2
  exit 1
fi

tar -xzf "$TARBALL" package/dist/echarts.min.js package/LICENSE package/NOTICE package/package.json
PACKED="$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' package/package.json | head -n 1)"
if [ "$PACKED" != "$VERSION" ]; then
  echo "the tarball holds echarts $PACKED, not $VERSION" >&2
  exit 1
fi

mkdir -p "$DEST"
cp package/dist/echarts.min.js package/LICENSE package/NOTICE "$DEST/"
printf '%s\n' "$VERSION" > "$DEST/VERSION"
printf '%s  %s\n' "$EXPECTED" "echarts-$VERSION.tgz" > "$DEST/INTEGRITY"
echo "vendored echarts $VERSION ($EXPECTED) into ${DEST#"$ROOT"/}"

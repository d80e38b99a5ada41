#!/usr/bin/env bash
# Vendor axe-core's built file and licences into tests/vendor/axe-core/ from the npm
# registry, so the browser tests check accessibility offline. Re-running it gives the same
# files: the version and the registry's integrity hash of the tarball are pinned below.
set -euo pipefail
VERSION=4.14.1
INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
cd "$(dirname "$0")/.."
dest=tests/vendor/axe-core
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "axe-core@$VERSION" >/dev/null)
tarball="$work/axe-core-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [ "$actual" != "$INTEGRITY" ]; then
  echo "integrity mismatch for axe-core@$VERSION: got $actual, pinned $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"
grep -q '"license": "MPL-2.0"' "$work/package/package.json" || { echo "licence changed" >&2; exit 1; }
mkdir -p "$dest"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$work/package/LICENSE-3RD-PARTY.txt" "$dest/"
echo "vendored axe-core@$VERSION into $dest"

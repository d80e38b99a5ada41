#!/usr/bin/env bash
# Vendor axe-core's built file and licences into tests/vendor/axe-core/ from the npm
# registry, so the browser tests check accessibility offline. Re-running it gives the same
# files: the version and the registry's integrity hash of the tarball are pinned below.
set -euo pipefail
VERSION=4.14.1
INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
source "$(dirname "$0")/npm-vendor.sh"
dest=tests/vendor/axe-core

npm_fetch axe-core "$VERSION" "$INTEGRITY" MPL-2.0
mkdir -p "$dest"
cp "$work/package/axe.min.js" "$work/package/LICENSE" "$work/package/LICENSE-3RD-PARTY.txt" "$dest/"
echo "vendored axe-core@$VERSION into $dest"

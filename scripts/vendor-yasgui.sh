#!/usr/bin/env bash
# Vendor YASGUI's built files (JS, CSS, licences) into publish/static/yasgui/ from the npm
# registry, so the query UI works without internet. Re-running it gives the same files:
# the version and the registry's integrity hash of the tarball are pinned below.
set -euo pipefail
VERSION=4.2.28
INTEGRITY=sha512-HN1neZqERSGoDyk/Fg40nI+F0tHnaBxjqizhN0mur2Kj0oJsklBsFMRk/M+wW+ohy8dSEn7AgX3H0pPrV/wmVg==
source "$(dirname "$0")/npm-vendor.sh"
dest=publish/static/yasgui

npm_fetch @triply/yasgui "$VERSION" "$INTEGRITY" MIT
mkdir -p "$dest"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" \
   "$work/package/build/yasgui.min.js.LICENSE.txt" "$dest/"
cp "$work/package/LICENSE.txt" "$dest/LICENSE.txt"
# the source map is left out (4 MB, only for debugging); drop the comment that names it
sed -i 's|//# sourceMappingURL=yasgui.min.js.map||' "$dest/yasgui.min.js"
echo "vendored @triply/yasgui@$VERSION into $dest"

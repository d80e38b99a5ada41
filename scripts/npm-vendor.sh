# Sourced by scripts/vendor-*.sh: the shared fetch-and-verify step. It works from the
# checkout's root, in a temporary folder "$work" that is removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# npm_fetch NAME VERSION INTEGRITY LICENCE: the package's tarball from the npm registry,
# refused unless it has the pinned integrity hash and its package.json the expected licence,
# unpacked into "$work/package".
npm_fetch() {
  local name=$1 version=$2 integrity=$3 licence=$4 tarball actual
  (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
  # npm names the tarball after the package: @triply/yasgui → triply-yasgui-4.2.28.tgz
  tarball="$work/$(printf '%s' "${name#@}" | tr / -)-$version.tgz"
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    echo "integrity mismatch for $name@$version: got $actual, pinned $integrity" >&2
    exit 1
  fi
  tar -xzf "$tarball" -C "$work"
  grep -q "\"license\": \"$licence\"" "$work/package/package.json" \
    || { echo "the licence of $name@$version is no longer $licence" >&2; exit 1; }
}

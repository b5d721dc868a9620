#!/usr/bin/env bash
# Vendor CodeMirror 5 from npm into api/static/vendor/codemirror, so that the coding page's editor works
# offline. Run once when upgrading; the files are committed. Needs npm and the npm registry.
set -euo pipefail
VERSION="${1:-5.65.18}"
DEST="$(cd "$(dirname "$0")/.." && pwd)/api/static/vendor/codemirror"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "codemirror@$VERSION" >/dev/null && tar xzf "codemirror-$VERSION.tgz")
mkdir -p "$DEST"
cp "$WORK/package/lib/codemirror.js" "$WORK/package/lib/codemirror.css" "$WORK/package/mode/python/python.js" \
   "$WORK/package/LICENSE" "$DEST/"
echo "codemirror@$VERSION from npm" > "$DEST/VERSION"

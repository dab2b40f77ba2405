#!/bin/sh
# Render `kvmkit abi-diff --html` in headless Chromium and save a screenshot (manual/CI check; the
# vitest suite checks the HTML structurally and never needs a browser).
# Usage: test/abi-html-screenshot.sh [out.png] [from] [to] [struct]
set -eu
cd "$(dirname "$0")/.."
out=${1:-/tmp/kvmkit-abi-diff.png}
from=${2:-fbsd15}
to=${3:-fbsd15-reaper}
struct=${4:-kinfo_proc}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then echo "no Chromium found; skipping" >&2; exit 0; fi
html=$(mktemp --suffix=.html)
profile=$(mktemp -d)
set +e
node bin/kvmkit abi-diff --struct "$struct" --from "$from" --to "$to" --html "$html" >/dev/null
rc=$?
set -e
if [ $((rc & 3)) -ne 0 ]; then echo "abi-diff failed (exit $rc)" >&2; exit 1; fi
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --screenshot="$out" --window-size=1400,1000 \
  "file://$html" >/dev/null 2>&1
rm -rf "$profile"
test -s "$out" && echo "screenshot: $out (page: $html)"

#!/usr/bin/env bash
# Build the web UI's third-party assets (Leaflet, marker clustering, Natural Earth base
# map) from the npm lockfile into src/fogwatch/web/static/vendor/, which the Python
# package ships. Offline at run time: nothing is fetched by the browser from outside.
#
# Skips the build when the vendor directory was built from the same lockfile and build
# script (a stamp holds their hash), so `make` can call this on every setup.
# Usage: scripts/build-web.sh [--force]
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
frontend="$repo/frontend"
vendor="$repo/src/fogwatch/web/static/vendor"
stamp="$vendor/.build-stamp"

want="$(cat "$frontend/package-lock.json" "$frontend/build.mjs" | sha256sum | cut -d' ' -f1)"
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is missing; install Node.js and npm (apt-get install -y nodejs npm)" >&2
  exit 1
fi

echo "build-web: building vendor assets from frontend/package-lock.json" >&2
(cd "$frontend" && npm ci --no-audit --no-fund --loglevel=error)
node "$frontend/build.mjs" "$vendor"
printf '%s\n' "$want" > "$stamp"

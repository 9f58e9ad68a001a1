#!/usr/bin/env bash
# Builds the web map into web/dist (served by `perimeter serve` under /map/). Idempotent: installs the
# npm packages only when node_modules is missing or package-lock.json changed since the last install,
# and rebuilds only when a source file is newer than the last build.
set -euo pipefail
cd "$(dirname "$0")"

command -v npm >/dev/null 2>&1 || { echo "web/build.sh: node and npm are needed (Node >= 20.19)" >&2; exit 2; }

stamp=node_modules/.package-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

if [ ! -f dist/index.html ] || [ -n "$(find index.html vite.config.js package-lock.json src -newer dist/index.html -print -quit)" ]; then
  npx --no-install vite build --logLevel warn
fi
echo "web/build.sh: web/dist is up to date"

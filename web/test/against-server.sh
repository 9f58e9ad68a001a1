#!/usr/bin/env bash
# Runs the browser test against a real server: starts the given command with `--listen 127.0.0.1:PORT`
# appended (PORT: a free port), waits for GET /health, runs web/test/browser.test.mjs with
# PERIMETER_URL pointing at it, then stops the server.
#
#   web/test/against-server.sh target/debug/perimeter serve [serve options…]
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARGS…]   (e.g. target/debug/perimeter serve)" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"

# Guard-post plans need a police token: the server gets a tokens file with one, and the test its secret.
tokens=$(mktemp --suffix=.toml)
police_token="against-server-police"
hash=$(printf '%s' "$police_token" | sha256sum | cut -d' ' -f1)
printf '[[token]]\nname = "against-server-police"\nrole = "police"\nsha256 = "%s"\n' "$hash" >"$tokens"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
log=$(mktemp)
"$@" --listen "127.0.0.1:$port" --tokens "$tokens" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log" "$tokens"' EXIT

for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "$url/health" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "server exited:" >&2; cat "$log" >&2; exit 1; fi
  sleep 0.1
done
curl -fsS -o /dev/null "$url/health" || { echo "server did not answer $url/health within 60 s:" >&2; cat "$log" >&2; exit 1; }

PERIMETER_URL="$url" PERIMETER_POLICE_TOKEN="$police_token" node --test "$here/browser.test.mjs"

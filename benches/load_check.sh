#!/usr/bin/env bash
# Loopback load test of the site check over real HTTP: `perimeter serve` (release build, the sample
# county) on a free port on 127.0.0.1, and wrk (Debian's package, installed when missing) asking
# GET /check for 1 000 sites around the county seat in turn, for DURATION (default 10 s) over CONNECTIONS
# (default 8) keep-alive connections from one thread. Prints wrk's throughput and latency percentiles.
# The run is bounded in time and stops the server when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && apt-get install -y -qq wrk
fi
cargo build --release --quiet
out=$(mktemp)
lua=$(mktemp --suffix=.lua)
./target/release/perimeter serve --listen 127.0.0.1:0 >"$out" 2>/dev/null &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true; rm -f "$out" "$lua"' EXIT
for _ in $(seq 1 600); do
  grep -q '^listening on ' "$out" && break
  sleep 0.2
done
url=$(sed -n 's/^listening on //p' "$out")
[ -n "$url" ] || { echo "the server did not start" >&2; exit 1; }
cat >"$lua" <<'LUA'
-- 1 000 sites on a 40 × 25 grid, 0.002° (about 200 m) apart, around the county seat; taken in turn.
local i = 0
request = function()
  i = (i + 1) % 1000
  local lon = 112.40 + (i % 40) * 0.002
  local lat = 33.46 + math.floor(i / 40) * 0.002
  return wrk.format("GET", string.format("/check?lon=%.4f&lat=%.4f&category=internet_cafe", lon, lat))
end
LUA
wrk -t1 -c"${CONNECTIONS:-8}" -d"${DURATION:-10s}" --latency -s "$lua" "$url"

#!/usr/bin/env bash
# Guard posts against spopt in one run: `cargo bench --bench posts` (criterion, short) solves the seeded
# county and writes each instance with its median time and objective to target/posts-bench/; then
# posts_spopt.py solves the same instances with spopt 0.7.0 (PuLP + CBC) and prints both.
#
#   benches/peers/posts_spopt.sh
#
# Installs spopt 0.7.0, pulp and pyproj with `pip install --user` when missing.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PY=${PYTHON:-python3}
if ! "$PY" -c "import spopt, pulp, pyproj" >/dev/null 2>&1; then
    "$PY" -m pip install --user --quiet spopt==0.7.0 pulp pyproj
fi
cd "$ROOT"
rm -rf target/posts-bench
cargo bench --bench posts -- --warm-up-time 1 --measurement-time 3 2>&1 | grep -E "^county|^province|time:" || true
"$PY" "$HERE/posts_spopt.py" target/posts-bench/*.json

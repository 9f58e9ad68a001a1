#!/usr/bin/env bash
# perimeter and its peers on the same generated data, in the same run.
#
#   benches/peers/compare.sh [SCALE] [WORK_DIR]        SCALE: county (default) | city | province
#
# 1. builds perimeter (release) and generates SCALE with seed 2026 into WORK_DIR (default /tmp/perimeter-compare-SCALE);
# 2. runs `perimeter scan` with benches/peers/all_venues_200.toml (every venue within 200 m of a school's
#    boundary: the join the peers run) three times, recording wall time and peak memory;
# 3. runs run_peers.sh (PostGIS geography and UTM, DuckDB spatial, shapely) on the same files;
# 4. writes WORK_DIR/compare.json and prints a table: times, ratios to perimeter, pair counts, and how many
#    pairs each peer classifies differently from perimeter (the doubtful ones re-measured with geographiclib
#    by run_peers.sh).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
SCALE=${1:-county}
WORK=${2:-/tmp/perimeter-compare-$SCALE}
mkdir -p "$WORK"
cd "$ROOT"
bash .ci/setup
cargo build --release --quiet
BIN=$ROOT/target/release/perimeter
[ -f "$WORK/venues.geojson" ] || "$BIN" gen --scale "$SCALE" --seed 2026 --out "$WORK" >/dev/null
runs=()
for i in 1 2 3; do
  # Each run into an empty directory after `sync`: replacing files written seconds earlier makes the write
  # wait for their pages to reach the disk (0.4 s instead of 0.2 s for the city), which is the disk's
  # time, not the scan's. The last run's files stay in WORK/perimeter.
  rm -rf "$WORK/perimeter"
  sync
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" scan \
    --schools "$WORK/schools.geojson" --venues "$WORK/venues.geojson" \
    --rules "$HERE/all_venues_200.toml" --out "$WORK/perimeter" > "$WORK/scan.log"
  runs+=("$(cat "$WORK/time.txt")")
done
printf '%s\n' "${runs[@]}" > "$WORK/perimeter_runs.txt"
PEERS_RUNS=${PEERS_RUNS:-3} bash "$HERE/run_peers.sh" "$WORK" "$WORK/peers"
python3 - "$WORK" <<'PY'
import csv, json, statistics, sys, re
work = sys.argv[1]
runs = [tuple(map(float, l.split())) for l in open(f"{work}/perimeter_runs.txt")]
wall = statistics.median(r[0] for r in runs)
rss_mb = max(r[1] for r in runs) / 1024
log = open(f"{work}/scan.log").read()
m = re.search(r"load ([\d.]+) s, index ([\d.]+) s, scan ([\d.]+) s", log)
load_s, index_s, scan_s = map(float, m.groups())
ours = {}
for r in csv.DictReader(open(f"{work}/perimeter/findings.csv", encoding="utf-8-sig")):
    if r["feature_type"] == "venue":
        ours[(r["school_id"], r["feature_id"])] = float(r["distance_m"])
peers = json.load(open(f"{work}/peers/peers.json"))
rows = []
for name, res in peers["peers"].items():
    pairs = set()
    with open(f"{work}/peers/pairs_{name}.csv") as fh:
        for r in csv.DictReader(fh):
            pairs.add((r["school_id"], r["venue_id"]))
    only_peer = len(pairs - set(ours))
    only_ours = len(set(ours) - pairs)
    join, total = res["join_s"], res["total_s"]
    rows.append(dict(peer=name, join_s=join, total_s=total, pairs=len(pairs), only_peer=only_peer, only_perimeter=only_ours,
                     ratio_join=(join / scan_s if join and scan_s else None), ratio_total=(total / wall if total else None)))
doc = dict(perimeter=dict(wall_s=wall, load_s=load_s, index_s=index_s, scan_s=scan_s, peak_rss_mb=rss_mb, pairs=len(ours)), peers=rows,
           geodesic=peers.get("geodesic_check"))
json.dump(doc, open(f"{work}/compare.json", "w"), indent=1)
print(f"perimeter: end to end {wall:.2f} s (load {load_s:.2f}, index {index_s:.3f}, scan {scan_s:.3f}), peak {rss_mb:.0f} MB, {len(ours)} pairs")
for r in rows:
    print(f"{r['peer']:>20}: join {r['join_s']} s, total {r['total_s']} s, pairs {r['pairs']}, "
          f"not in perimeter {r['only_peer']}, missing {r['only_perimeter']}, "
          f"join/scan {r['ratio_join'] and round(r['ratio_join'],1)}x, total/total {r['ratio_total'] and round(r['ratio_total'],1)}x")
PY

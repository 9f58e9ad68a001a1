#!/usr/bin/env bash
# End to end, back to back: two `perimeter` binaries (say the previous version's and this one's) run the
# same scan in turn, ROUNDS times (default 3), so that both see the same machine (on a shared machine the
# same binary's time swings by a third from one minute to the next: only alternated runs compare).
#
#   benches/e2e_ab.sh BIN_A BIN_B [county|city|province] [ROUNDS] [WORK_DIR]
#
# The data is generated once (seed 2026) into WORK_DIR (default /tmp/perimeter-ab-SCALE) by BIN_B. The
# city runs with benches/peers/all_venues_200.toml (every venue counts), the others with the national
# rules. Every run writes into a fresh directory after `sync` (replacing files written seconds earlier
# makes the write phase wait for their pages). Prints one line per run: load / index / scan / write as
# `perimeter scan` reports them, wall time, user and system time, peak memory; then checks that both
# binaries wrote byte-identical findings.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,13p' "$0" >&2; exit 2; }
A=$(realpath "$1")
B=$(realpath "$2")
SCALE=${3:-city}
ROUNDS=${4:-3}
WORK=${5:-/tmp/perimeter-ab-$SCALE}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case "$SCALE" in
  city) RULES=(--rules "$HERE/peers/all_venues_200.toml") ;;
  county | province) RULES=() ;;
  *) echo "unknown scale '$SCALE' (county, city or province)" >&2; exit 2 ;;
esac
mkdir -p "$WORK"
[ -f "$WORK/venues.geojson" ] || "$B" gen --scale "$SCALE" --seed 2026 --out "$WORK" >/dev/null
for i in $(seq "$ROUNDS"); do
  # The order alternates from round to round (a b, b a, a b, …), so that neither binary always runs
  # first (the first run of a round follows the deletion of the previous round's last files).
  if [ $((i % 2)) = 1 ]; then sides="a b"; else sides="b a"; fi
  for side in $sides; do
    if [ "$side" = a ]; then bin=$A; else bin=$B; fi
    out="$WORK/out-$side-$i"
    rm -rf "$out"
    sync
    "/usr/bin/time" -f "%e %U %S %M" -o "$WORK/time.txt" "$bin" scan \
      --schools "$WORK/schools.geojson" --gates "$WORK/gates.geojson" \
      --venues "$WORK/venues.geojson" --water "$WORK/water.geojson" \
      "${RULES[@]}" --out "$out" 2>/dev/null >"$WORK/scan.log"
    read -r wall user sys rss <"$WORK/time.txt"
    phases=$(sed -n 's/^rules: [^|]*| \(load [^|]*\) |.*/\1/p' "$WORK/scan.log")
    printf '%s %-22s %s | wall %s s, user %s s, sys %s s, peak %d MB\n' \
      "${side^^}" "$(basename "$bin")" "$phases" "$wall" "$user" "$sys" $((rss / 1024))
    # The first round's files are kept for the comparison below; later ones go at once.
    [ "$i" = 1 ] || rm -rf "$out"
  done
done
for f in findings.geojson findings.csv summary.json; do
  cmp -s "$WORK/out-a-1/$f" "$WORK/out-b-1/$f" ||
    { echo "$f differs between the two binaries" >&2; exit 1; }
done
echo "findings.geojson, findings.csv and summary.json byte-identical between the two binaries"
rm -rf "$WORK"/out-*

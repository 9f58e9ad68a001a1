#!/usr/bin/env bash
# Side-by-side peers for the venue-school join: PostGIS geography, PostGIS geometry in UTM 49N, DuckDB
# spatial (UTM) and shapely STRtree (UTM), on the same schools.geojson / venues.geojson.
#
#   benches/peers/run_peers.sh DATA_DIR [OUT_DIR]        (OUT_DIR defaults to DATA_DIR/peers)
#   PEERS_RUNS=3                                        join repetitions (median is reported)
#   PEERS_ORACLE=0                                      skip the geodesic verdict on doubtful pairs
#
# Installs what it needs (apt: postgresql-15 + PostGIS 3; pip: duckdb 1.5.5 + its spatial extension,
# geopandas, shapely, pyproj, pyarrow, psycopg, geographiclib) only when missing, starts a throwaway
# PostgreSQL cluster on 127.0.0.1 on a free port in a temporary directory, runs peers.py, and stops and
# removes the cluster on exit, whatever happens. Writes OUT_DIR/peers.json and OUT_DIR/pairs_<peer>.csv.
# Quiet unless something fails; prints one summary line per peer.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA=${1:?usage: run_peers.sh DATA_DIR [OUT_DIR]}
[ -d "$DATA" ] || { echo "run_peers.sh: $DATA is not a directory" >&2; exit 2; }
DATA=$(cd "$DATA" && pwd)
OUT=${2:-$DATA/peers}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PGVER=15
PGBIN=/usr/lib/postgresql/$PGVER/bin
PY=${PYTHON:-python3}

for f in schools.geojson venues.geojson; do
    [ -f "$DATA/$f" ] || { echo "run_peers.sh: $DATA/$f not found" >&2; exit 2; }
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- 1. tools (idempotent) -------------------------------------------------------------------------------
if [ ! -x "$PGBIN/postgres" ] || [ ! -f /usr/share/postgresql/$PGVER/extension/postgis.control ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        postgresql-$PGVER postgresql-$PGVER-postgis-3 >/dev/null
fi
if ! "$PY" - <<'EOF' >/dev/null 2>&1
import duckdb, duckdb_extension_spatial, geopandas, shapely, pyproj, pyarrow, psycopg, geographiclib
assert duckdb.__version__ == "1.5.5"
EOF
then
    "$PY" -m pip install -q --disable-pip-version-check --root-user-action=ignore \
        duckdb==1.5.5 duckdb-extension-spatial==1.5.5 geopandas==1.2.0 shapely==2.2.0 pyproj pyarrow \
        "psycopg[binary]==3.2.13" geographiclib==2.1 >/dev/null
fi

# --- 2. throwaway PostgreSQL on 127.0.0.1:<free port> ------------------------------------------------------
WORK=$(mktemp -d /tmp/perimeter-peers.XXXXXX)
if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$WORK"
    AS_PG=(runuser -u postgres --)
else
    AS_PG=()
fi
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PG_PID=
cleanup() {
    if [ -n "$PG_PID" ]; then
        (cd "$WORK" && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1) ||
            kill "$PG_PID" 2>/dev/null || true
        wait "$PG_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

(cd "$WORK" && "${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale \
    --no-sync >/dev/null)
# The server runs as a child of this script (not daemonised), so it is reaped when it stops.
(cd "$WORK" && exec "${AS_PG[@]}" "$PGBIN/postgres" -D "$WORK/data" -p "$PORT" -k "$WORK" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c jit=off -c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB) >"$WORK/pg.log" 2>&1 &
PG_PID=$!
for _ in $(seq 1 120); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    kill -0 "$PG_PID" 2>/dev/null || break
    sleep 0.5
done
if ! "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
    echo "run_peers.sh: PostgreSQL did not start; its log:" >&2
    cat "$WORK/pg.log" >&2
    exit 1
fi

# --- 3. the peers -----------------------------------------------------------------------------------------
ORACLE_FLAG=()
[ "${PEERS_ORACLE:-1}" = 0 ] && ORACLE_FLAG=(--no-oracle)
"$PY" "$HERE/peers.py" --data "$DATA" --out "$OUT" --runs "${PEERS_RUNS:-3}" "${ORACLE_FLAG[@]}" \
    --pg "host=127.0.0.1 port=$PORT user=postgres dbname=postgres"
rm -rf "$OUT/work"

#!/usr/bin/env python3
"""Runs the venue-school join "every venue within 200 m of a school (boundary distance; 0 inside)" in peer
tools and records timings, pair counts and the pairs themselves. Called by run_peers.sh, which installs the
tools and starts a throwaway PostgreSQL; see README.md.

    python3 peers.py --data DIR --out OUT --pg "host=127.0.0.1 port=N user=postgres dbname=postgres" [--runs 3]
                     [--no-oracle]

Peers:
* postgis_geography - ST_DWithin / ST_Distance on geography (WGS84 spheroid), GiST index.
* postgis_utm       - ST_DWithin / ST_Distance on geometry in UTM zone 49N (EPSG:32649), GiST index.
* duckdb_utm        - DuckDB spatial, ST_Transform to EPSG:32649 then ST_DWithin (its SPATIAL_JOIN operator).
* shapely_utm       - shapely 2 STRtree.query(predicate="dwithin") in EPSG:32649 (pyproj).

Timings: `load_s` = read the GeoParquet copy of the inputs + build the peer's tables/indexes (once);
`join_s` = median over --runs of the join returning (school id, venue id) rows to the caller;
`total_s` = load_s + join_s. GeoJSON -> GeoParquet conversion (`prep_s`) is common and reported apart.

Exactness: for every pair on which the peers disagree, or whose distance any peer puts within 1 m of the
limit, the geodesic oracle of tests/data/scan/geodesic_oracle.py (geographiclib, Karney) decides; each
peer's misclassifications are counted. Pairs all peers agree on and put more than 1 m from the limit are
taken as settled (every peer's error is far below 1 m at 200 m).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import time

import duckdb
import duckdb_extension_spatial
import geopandas as gpd
import numpy as np
import psycopg
import pyarrow.parquet as pq
import shapely
from pyproj import Transformer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "data", "scan"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import geodesic_oracle as oracle  # noqa: E402

LIMIT_M = 200.0
NEAR_M = 1.0  # pairs within this of the limit (by any peer) go to the oracle
UTM = "EPSG:32649"


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


# ---------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------


def read_layer(path: str, prefix: str) -> gpd.GeoDataFrame:
    gdf = gpd.read_file(path)
    if "id" not in gdf.columns:
        gdf["id"] = [f"{prefix}{i}" for i in range(len(gdf))]
    gdf["id"] = gdf["id"].astype(str)
    gdf = gdf[["id", "geometry"]]
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return gdf.set_crs("EPSG:4326", allow_override=True)


def prepare(data: str, work: str) -> dict:
    schools = read_layer(os.path.join(data, "schools.geojson"), "school-")
    venues = read_layer(os.path.join(data, "venues.geojson"), "venue-")
    schools.to_parquet(os.path.join(work, "schools.parquet"))
    venues.to_parquet(os.path.join(work, "venues.parquet"))
    return {
        "schools": len(schools),
        "venues": len(venues),
        "school_geometry": schools.geom_type.value_counts().to_dict(),
        "venue_geometry": venues.geom_type.value_counts().to_dict(),
        "_schools": schools,
        "_venues": venues,
    }


def parquet_rows(path: str) -> tuple[list[str], list[bytes]]:
    t = pq.read_table(path, columns=["id", "geometry"])
    return t.column("id").to_pylist(), t.column("geometry").to_pylist()


# ---------------------------------------------------------------------------------------------------------
# Peers. Each returns load_s, join run times, the join's pairs and {pair: peer distance} up to limit+NEAR_M.
# ---------------------------------------------------------------------------------------------------------


def postgis(conninfo: str, work: str, runs: int, kind: str) -> dict:
    with psycopg.connect(conninfo, autocommit=True) as con:
        cur = con.cursor()
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        col = "geog" if kind == "geography" else "geom"
        expr = ("ST_GeomFromWKB(wkb, 4326)::geography" if kind == "geography"
                else "ST_Transform(ST_GeomFromWKB(wkb, 4326), 32649)")
        tag = "g" if kind == "geography" else "u"

        def load() -> None:
            for layer in ("schools", "venues"):
                ids, wkbs = parquet_rows(os.path.join(work, f"{layer}.parquet"))
                cur.execute(f"DROP TABLE IF EXISTS raw_{tag}_{layer}, {tag}_{layer}")
                cur.execute(f"CREATE UNLOGGED TABLE raw_{tag}_{layer} (id text, wkb bytea)")
                with cur.copy(f"COPY raw_{tag}_{layer} (id, wkb) FROM STDIN (FORMAT BINARY)") as cp:
                    cp.set_types(["text", "bytea"])
                    for row in zip(ids, wkbs):
                        cp.write_row(row)
                cur.execute(f"CREATE UNLOGGED TABLE {tag}_{layer} AS SELECT id, {expr} AS {col} "
                            f"FROM raw_{tag}_{layer}")
                cur.execute(f"CREATE INDEX ON {tag}_{layer} USING gist ({col})")
                cur.execute(f"ANALYZE {tag}_{layer}")

        _, load_s = timed(load)
        join_sql = (f"SELECT s.id, v.id FROM {tag}_schools s JOIN {tag}_venues v "
                    f"ON ST_DWithin(s.{col}, v.{col}, {LIMIT_M})")
        times, pairs = [], []
        for _ in range(runs):
            pairs, t = timed(lambda: cur.execute(join_sql).fetchall())
            times.append(t)
        cur.execute(f"SELECT s.id, v.id, ST_Distance(s.{col}, v.{col}) FROM {tag}_schools s JOIN {tag}_venues v "
                    f"ON ST_DWithin(s.{col}, v.{col}, {LIMIT_M + NEAR_M})")
        dist = {(a, b): d for a, b, d in cur.fetchall()}
        plan = "\n".join(r[0] for r in cur.execute("EXPLAIN " + join_sql).fetchall())
        cur.execute(f"DROP TABLE raw_{tag}_schools, raw_{tag}_venues, {tag}_schools, {tag}_venues")
    return {"load_s": load_s, "join_runs_s": times, "pairs": pairs, "dist": dist,
            "plan_uses_index": "Index" in plan}


def duckdb_utm(work: str, runs: int) -> dict:
    ext = os.path.join(os.path.dirname(duckdb_extension_spatial.__file__), "extensions",
                       f"v{duckdb.__version__}", "spatial.duckdb_extension")
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute(f"LOAD '{ext}'")

    def load() -> None:
        for layer in ("schools", "venues"):
            path = os.path.join(work, f"{layer}.parquet")
            typ = dict((r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall())
            geom = "geometry" if typ["geometry"].upper().startswith("GEOMETRY") else "ST_GeomFromWKB(geometry)"
            con.execute(f"CREATE OR REPLACE TABLE {layer} AS SELECT id, ST_Transform({geom}, 'EPSG:4326', "
                        f"'{UTM}', always_xy := true) AS geom FROM read_parquet('{path}')")

    _, load_s = timed(load)
    join_sql = f"SELECT s.id, v.id FROM schools s JOIN venues v ON ST_DWithin(s.geom, v.geom, {LIMIT_M})"
    times, pairs = [], []
    for _ in range(runs):
        pairs, t = timed(lambda: con.execute(join_sql).fetchall())
        times.append(t)
    rows = con.execute(f"SELECT s.id, v.id, ST_Distance(s.geom, v.geom) FROM schools s JOIN venues v "
                       f"ON ST_DWithin(s.geom, v.geom, {LIMIT_M + NEAR_M})").fetchall()
    plan = "\n".join(r[1] for r in con.execute("EXPLAIN " + join_sql).fetchall())
    con.close()
    return {"load_s": load_s, "join_runs_s": times, "pairs": pairs, "dist": {(a, b): d for a, b, d in rows},
            "plan_uses_spatial_join": "SPATIAL_JOIN" in plan}


def shapely_utm(work: str, runs: int) -> dict:
    tr = Transformer.from_crs("EPSG:4326", UTM, always_xy=True)

    def load():
        out = {}
        for layer in ("schools", "venues"):
            ids, wkbs = parquet_rows(os.path.join(work, f"{layer}.parquet"))
            geoms = shapely.from_wkb(wkbs)
            out[layer] = (np.asarray(ids, dtype=object), shapely.transform(geoms, lambda xy: np.column_stack(
                tr.transform(xy[:, 0], xy[:, 1]))))
        return out

    layers, load_s = timed(load)
    (s_ids, s_geoms), (v_ids, v_geoms) = layers["schools"], layers["venues"]

    def join(radius: float):
        tree = shapely.STRtree(s_geoms)
        vi, si = tree.query(v_geoms, predicate="dwithin", distance=radius)
        return vi, si

    times, idx = [], None
    for _ in range(runs):
        idx, t = timed(lambda: join(LIMIT_M))
        times.append(t)
    pairs = list(zip(s_ids[idx[1]].tolist(), v_ids[idx[0]].tolist()))
    vi, si = join(LIMIT_M + NEAR_M)
    d = shapely.distance(s_geoms[si], v_geoms[vi])
    dist = dict(zip(zip(s_ids[si].tolist(), v_ids[vi].tolist()), d.tolist()))
    return {"load_s": load_s, "join_runs_s": times, "pairs": pairs, "dist": dist}


# ---------------------------------------------------------------------------------------------------------
# Geodesic verdict on the doubtful pairs
# ---------------------------------------------------------------------------------------------------------


def to_shape(geom) -> oracle.Shape:
    t = geom.geom_type
    if t == "Point":
        return oracle.point_shape((geom.x, geom.y))
    if t in ("Polygon", "MultiPolygon"):
        polys = [geom] if t == "Polygon" else list(geom.geoms)
        return oracle.area_shape([[list(p.exterior.coords)] + [list(h.coords) for h in p.interiors]
                                  for p in polys])
    if t == "LineString":
        return oracle.line_shape(list(geom.coords))
    if t == "MultiPoint":
        pts = [(p.x, p.y) for p in geom.geoms]
        return oracle.Shape(points=pts)
    raise ValueError(f"unsupported geometry {t}")


def verdict(results: dict, schools: gpd.GeoDataFrame, venues: gpd.GeoDataFrame) -> dict:
    sets = {name: set(map(tuple, r["pairs"])) for name, r in results.items()}
    union = set().union(*sets.values())
    doubtful = {p for p in union if len({p in s for s in sets.values()}) > 1}
    for r in results.values():
        doubtful |= {p for p, d in r["dist"].items() if abs(d - LIMIT_M) <= NEAR_M}
    s_geom = dict(zip(schools["id"], schools.geometry))
    v_geom = dict(zip(venues["id"], venues.geometry))
    truth, t0 = {}, time.perf_counter()
    for p in sorted(doubtful):
        truth[p] = oracle.measure(to_shape(s_geom[p[0]]), to_shape(v_geom[p[1]])).metres
    per_peer = {}
    for name, r in results.items():
        inside = sets[name]
        false_in = sorted(p for p, d in truth.items() if p in inside and d > LIMIT_M)
        false_out = sorted(p for p, d in truth.items() if p not in inside and d <= LIMIT_M)
        errs = [abs(r["dist"][p] - d) for p, d in truth.items() if p in r["dist"]]
        per_peer[name] = {
            "misclassified": len(false_in) + len(false_out),
            "false_within": len(false_in),
            "false_outside": len(false_out),
            "max_abs_distance_error_m": max(errs) if errs else None,
            "examples": [{"school_id": p[0], "venue_id": p[1], "geodesic_m": round(truth[p], 6),
                          "peer_m": round(r["dist"].get(p, float("nan")), 6)} for p in (false_in + false_out)[:5]],
        }
    true_pairs = len(union - {p for p, d in truth.items() if d > LIMIT_M}) + sum(
        1 for p, d in truth.items() if d <= LIMIT_M and p not in union)
    return {
        "oracle": "tests/data/scan/geodesic_oracle.py (geographiclib, Karney; golden-section point-to-geodesic)",
        "doubtful_pairs": len(truth),
        "oracle_s": round(time.perf_counter() - t0, 2),
        "geodesic_pairs_within": true_pairs,
        "rule": f"a pair is doubtful when the peers disagree on it or any peer puts it within {NEAR_M} m of "
        f"{LIMIT_M} m; the others are settled by unanimity",
        "per_peer": per_peer,
    }


# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--pg", required=True, help="libpq connection string of a scratch database")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-oracle", action="store_true", help="skip the geodesic verdict on doubtful pairs")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = os.path.join(a.out, "work")
    os.makedirs(work, exist_ok=True)

    info, prep_s = timed(lambda: prepare(a.data, work))
    schools, venues = info.pop("_schools"), info.pop("_venues")
    results = {
        "postgis_geography": postgis(a.pg, work, a.runs, "geography"),
        "postgis_utm": postgis(a.pg, work, a.runs, "utm"),
        "duckdb_utm": duckdb_utm(work, a.runs),
        "shapely_utm": shapely_utm(work, a.runs),
    }
    with psycopg.connect(a.pg) as con:
        versions = {"postgresql": con.execute("SHOW server_version").fetchone()[0],
                    "postgis": con.execute("SELECT postgis_lib_version()").fetchone()[0]}
    versions.update({"duckdb": duckdb.__version__, "shapely": shapely.__version__,
                     "geopandas": gpd.__version__, "python": platform.python_version()})

    peers = {}
    for name, r in results.items():
        csv_name = f"pairs_{name}.csv"
        with open(os.path.join(a.out, csv_name), "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["school_id", "venue_id", "distance_m"])
            for s_id, v_id in sorted(map(tuple, r["pairs"])):
                d = r["dist"].get((s_id, v_id))
                w.writerow([s_id, v_id, "" if d is None else f"{d:.4f}"])
        join_s = statistics.median(r["join_runs_s"])
        peers[name] = {
            "load_s": round(r["load_s"], 4),
            "join_s": round(join_s, 4),
            "join_runs_s": [round(t, 4) for t in r["join_runs_s"]],
            "total_s": round(r["load_s"] + join_s, 4),
            "pairs": len(r["pairs"]),
            "csv": csv_name,
            **{k: v for k, v in r.items() if k.startswith("plan_")},
        }
    doc = {
        "data": {"dir": os.path.abspath(a.data), **info},
        "limit_m": LIMIT_M,
        "runs": a.runs,
        "prep_s": round(prep_s, 4),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions,
        "timing": "load_s: read GeoParquet + build tables/indexes; join_s: median of runs, rows returned to "
        "the caller; total_s = load_s + join_s; prep_s: GeoJSON -> GeoParquet (not in any peer's time)",
        "peers": peers,
        "geodesic_check": None if a.no_oracle else verdict(results, schools, venues),
    }
    with open(os.path.join(a.out, "peers.json"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    for name, p in peers.items():
        check = doc["geodesic_check"]
        wrong = "-" if check is None else check["per_peer"][name]["misclassified"]
        print(f"{name:18} load {p['load_s']:8.3f} s  join {p['join_s']:8.3f} s  pairs {p['pairs']:8d}  "
              f"misclassified {wrong}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Small seeded stand-in for `perimeter gen`: a county-like set of schools, venues and water bodies.

    python3 benches/peers/gen_synthetic.py --out DIR [--schools 300] [--venues 30000] [--water 200] [--seed 1]

Writes DIR/schools.geojson, DIR/venues.geojson and DIR/water.geojson (WGS84) with the property names the
perimeter loaders read (schools: id, name, kind, township; venues: id, name, category; water: id, name,
kind). Campuses are rotated rectangles of 60-250 m sides (some irregular, some with a hole), clustered in
towns around Nanzhao, Henan (lon 112.0-112.9, lat 33.2-33.8); venues are clustered in the same towns.
Same seed, same bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random

BBOX = (112.05, 33.25, 112.85, 33.75)
M_PER_DEG_LAT = 110_574.0
KINDS = ["primary"] * 6 + ["junior"] * 2 + ["kindergarten"] * 3 + ["senior", "nine-year", "complete-secondary"]
CATEGORIES = (["other"] * 14 + ["internet_cafe", "ktv", "game_hall", "lottery", "tobacco", "tobacco",
              "hazardous", "bar"])
WATER_KINDS = ["pond", "pond", "pond", "pit", "reservoir"]


def to_lonlat(center: tuple[float, float], east_m: float, north_m: float) -> list[float]:
    lon0, lat0 = center
    lat = lat0 + north_m / M_PER_DEG_LAT
    lon = lon0 + east_m / (111_320.0 * math.cos(math.radians(lat0)))
    return [round(lon, 8), round(lat, 8)]


def ring(center, pts_m) -> list[list[float]]:
    r = [to_lonlat(center, e, n) for e, n in pts_m]
    r.append(r[0])
    return r


def rect(w: float, h: float, rot: float, jitter: float, rng: random.Random) -> list[tuple[float, float]]:
    out = []
    for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1)):  # counter-clockwise
        x = sx * w / 2 * (1 + rng.uniform(-jitter, jitter))
        y = sy * h / 2 * (1 + rng.uniform(-jitter, jitter))
        out.append((x * math.cos(rot) - y * math.sin(rot), x * math.sin(rot) + y * math.cos(rot)))
    return out


def feature(props: dict, geom: dict) -> str:
    return json.dumps({"type": "Feature", "properties": props, "geometry": geom}, ensure_ascii=False,
                      separators=(",", ":"))


def write(path: str, rows: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(rows))
        fh.write("\n]}\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--schools", type=int, default=300)
    ap.add_argument("--venues", type=int, default=30_000)
    ap.add_argument("--water", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)

    n_towns = max(4, a.schools // 25)
    towns = [(rng.uniform(BBOX[0], BBOX[2]), rng.uniform(BBOX[1], BBOX[3])) for _ in range(n_towns)]
    town_names = [f"第{i + 1}镇" for i in range(n_towns)]

    def near_town(sigma_m: float) -> tuple[int, tuple[float, float]]:
        t = rng.randrange(n_towns)
        lon, lat = to_lonlat(towns[t], rng.gauss(0, sigma_m), rng.gauss(0, sigma_m))
        return t, (lon, lat)

    rows = []
    for i in range(a.schools):
        t, c = near_town(800.0)
        kind = rng.choice(KINDS)
        w, h = rng.uniform(60, 250), rng.uniform(60, 250)
        rot = rng.uniform(0, math.pi)
        outer = ring(c, rect(w, h, rot, 0.15 if rng.random() < 0.3 else 0.0, rng))
        rings = [outer]
        if rng.random() < 0.1:
            hole = rect(w * 0.3, h * 0.3, rot, 0.0, rng)
            rings.append(ring(c, hole[::-1]))  # clockwise
        props = {"id": f"S{i + 1:05d}", "name": f"{town_names[t]}{kind}学校{i + 1}", "kind": kind,
                 "township": town_names[t]}
        rows.append(feature(props, {"type": "Polygon", "coordinates": rings}))
    write(os.path.join(a.out, "schools.geojson"), rows)

    rows = []
    for i in range(a.venues):
        if rng.random() < 0.85:
            _, p = near_town(700.0)
        else:
            p = (round(rng.uniform(BBOX[0], BBOX[2]), 8), round(rng.uniform(BBOX[1], BBOX[3]), 8))
        props = {"id": f"V{i + 1:07d}", "name": f"商户{i + 1}", "category": rng.choice(CATEGORIES)}
        rows.append(feature(props, {"type": "Point", "coordinates": list(p)}))
    write(os.path.join(a.out, "venues.geojson"), rows)

    rows = []
    for i in range(a.water):
        _, c = near_town(2500.0)
        if rng.random() < 0.3:
            pts, e, n, az = [], 0.0, 0.0, rng.uniform(0, 2 * math.pi)
            for _ in range(rng.randint(10, 40)):
                pts.append(to_lonlat(c, e, n))
                az += rng.uniform(-0.4, 0.4)
                e, n = e + 250 * math.sin(az), n + 250 * math.cos(az)
            props = {"id": f"W{i + 1:05d}", "name": f"河{i + 1}", "kind": "river"}
            rows.append(feature(props, {"type": "LineString", "coordinates": pts}))
        else:
            r = rng.uniform(30, 150)
            k = rng.randint(6, 10)
            pts_m = [(r * (1 + rng.uniform(-0.2, 0.2)) * math.cos(2 * math.pi * j / k),
                      r * (1 + rng.uniform(-0.2, 0.2)) * math.sin(2 * math.pi * j / k)) for j in range(k)]
            props = {"id": f"W{i + 1:05d}", "name": f"塘{i + 1}", "kind": rng.choice(WATER_KINDS)}
            rows.append(feature(props, {"type": "Polygon", "coordinates": [ring(c, pts_m)]}))
    write(os.path.join(a.out, "water.geojson"), rows)


if __name__ == "__main__":
    main()

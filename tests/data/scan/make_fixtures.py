#!/usr/bin/env python3
"""Hand-designed scan fixtures and their independent geodesic ground truth.

Usage:
    pip install geographiclib==2.1 prcoords==1.0.2
    python3 tests/data/scan/make_fixtures.py

Writes, next to this script: schools.geojson, venues.geojson, water.geojson, gates.geojson (WGS84, RFC 7946),
venues_gcj02.csv (the point venues in GCJ-02) and expected.json (the answers). There is no randomness: two runs
give the same bytes. Every file is generated; edit this script, not the outputs.

The oracle (geodesic_oracle.py; independent of the Rust code, which uses a local metric frame plus
geographiclib-rs)
------------------------------------------------------------------------------------------------
* Ellipsoid and solver: WGS84, Karney's algorithm as implemented by the Python `geographiclib` package
  (Geodesic.WGS84.Inverse / Direct / InverseLine), accurate to about 15 nm.
* Geometry model: coordinates are WGS84 lon/lat; every edge of a ring or LineString is the geodesic between its
  two vertices (edges here are all shorter than 300 m).
* Point -> geodesic segment: minimise the Karney inverse distance from the point to Line.Position(s) over the
  arc length s in [0, L] of the segment, by golden-section search down to an s-bracket of 1e-7 m, then compare
  with both endpoints and keep the smallest. The distance from a point to a short geodesic is unimodal in s.
* Containment: even-odd ray test in lon/lat. A point is inside a (Multi)Polygon when it is inside an outer
  ring and not inside any of that polygon's holes. At these sizes a geodesic edge departs from the straight
  lon/lat chord by well under a millimetre and no test point is that close to an edge.
* school boundary -> venue point: 0 when the point is inside the campus, else the minimum over every edge of
  every ring (outer rings AND holes) of point -> segment. A point inside a hole is outside the campus; its
  distance is to the hole's ring.
* area -> area (footprint venue, pond) and area -> LineString (river): 0 when they overlap (a vertex of one
  inside the other, or two edges cross); else the minimum of vertex -> segment over the vertices of each
  shape against the edges of the other. For two disjoint segments the minimum of the distance is at an
  endpoint of one of them (exact in the plane; on the ellipsoid at these lengths the difference is far below
  a nanometre, and positive curvature only makes interior minima less likely).
* point-only school (approximate): the school's point is used as the campus.
* gate method: the minimum over the school's gates of gate point -> feature (as above, with the gate as the
  school side).
* within means d <= limit.

Each answer is recorded with the two points it was measured between (school side, feature side).

expected.json also lists, for each rule file in data/rules/ (national, guangdong), the findings that file
implies for these fixtures (see rule_set_findings for the semantics) with the file's sha256, so a changed
rule file is noticed; rerun this script after changing one.

Test cases are constructed with geographiclib Direct along edge normals (the arrival azimuth of the
construction geodesic is used so the designed perpendicular is exact), then re-measured by the oracle above;
expected.json records the oracle's value, not the design value, and the script fails if they differ by more
than 1e-4 m.

GCJ-02: venues_gcj02.csv is produced with prcoords 1.0.2 (`prcoords.wgs_gcj`, the public formula with the
Krasovsky constants a = 6378245, e^2 = 0.00669342162296594323) and cross-checked against this script's own
port of the same formula (agreement < 1e-12 degrees). The script then inverts every GCJ-02 coordinate exactly
(fixed-point iteration to 1e-14 degrees), re-measures, and fails unless every distance lands within 1e-4 m of
the WGS84 answer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import sys
import tomllib
from dataclasses import dataclass, field

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

from geodesic_oracle import (  # noqa: E402
    G,
    LonLat,
    Shape,
    area_shape,
    in_area,
    inverse_m,
    direct,
    measure,
    point_shape,
    line_shape,
    signed_area,
)

try:
    import prcoords
except ImportError:  # pragma: no cover - reported to the user
    sys.exit("make_fixtures.py needs prcoords==1.0.2 (pip install prcoords==1.0.2)")

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = (112.40, 33.50)  # lon, lat: Nanzhao county, Henan
DIGITS = 10  # decimals kept in the WGS84 coordinates (1e-10 degree is about 11 micrometres)
GCJ_DIGITS = 11  # decimals in the GCJ-02 CSV (about 1 micrometre)
LIST_WITHIN_M = 1000.0  # expected.json lists every pair at most this far apart


def offset(origin: LonLat, east_m: float, north_m: float) -> LonLat:
    """Design helper: a point at (east, north) metres from origin (geodesic polar coordinates)."""
    s = math.hypot(east_m, north_m)
    if s == 0.0:
        return origin
    return direct(origin, math.degrees(math.atan2(east_m, north_m)), s)[0]


def rnd(p: LonLat) -> LonLat:
    return (round(p[0], DIGITS), round(p[1], DIGITS))


# ---------------------------------------------------------------------------------------------------------
# GCJ-02 (own port of the public formula, used to cross-check prcoords)
# ---------------------------------------------------------------------------------------------------------

GCJ_A = 6378245.0
GCJ_EE = 0.00669342162296594323


def _gcj_dlat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _gcj_dlon(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj_port(p: LonLat) -> LonLat:
    lon, lat = p
    dlat = _gcj_dlat(lon - 105.0, lat - 35.0)
    dlon = _gcj_dlon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1.0 - GCJ_EE * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sq) * math.pi)
    dlon = (dlon * 180.0) / (GCJ_A / sq * math.cos(rad) * math.pi)
    return (lon + dlon, lat + dlat)


def wgs_to_gcj(p: LonLat) -> LonLat:
    c = prcoords.wgs_gcj((p[1], p[0]))
    g = (c.lon, c.lat)
    mine = wgs_to_gcj_port(p)
    assert abs(g[0] - mine[0]) < 1e-12 and abs(g[1] - mine[1]) < 1e-12, (p, g, mine)
    return g


def gcj_to_wgs_exact(g: LonLat) -> LonLat:
    w = g
    for _ in range(60):
        f = wgs_to_gcj_port(w)
        ex, ey = f[0] - g[0], f[1] - g[1]
        w = (w[0] - ex, w[1] - ey)
        if abs(ex) < 1e-14 and abs(ey) < 1e-14:
            break
    return w


# ---------------------------------------------------------------------------------------------------------
# The fixtures
# ---------------------------------------------------------------------------------------------------------


@dataclass
class School:
    id: str
    name: str
    kind: str
    township: str
    polys: list[list[list[LonLat]]] | None = None  # None -> point-only
    point: LonLat | None = None
    gates: list[tuple[str, LonLat]] = field(default_factory=list)

    def shape(self) -> Shape:
        if self.polys is None:
            assert self.point is not None
            return point_shape(self.point)
        return area_shape(self.polys)

    def geometry(self) -> dict:
        if self.polys is None:
            assert self.point is not None
            return {"type": "Point", "coordinates": list(self.point)}
        if len(self.polys) == 1:
            return {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in self.polys[0]]}
        return {
            "type": "MultiPolygon",
            "coordinates": [[[list(p) for p in r] for r in poly] for poly in self.polys],
        }


@dataclass
class Feature:
    id: str
    name: str
    cls: str  # category (venues) or kind (water)
    layer: str  # "venue" | "water"
    point: LonLat | None = None
    ring: list[LonLat] | None = None
    line: list[LonLat] | None = None

    def shape(self) -> Shape:
        if self.point is not None:
            return point_shape(self.point)
        if self.ring is not None:
            return area_shape([[self.ring]])
        assert self.line is not None
        return line_shape(self.line)

    def geometry(self) -> dict:
        if self.point is not None:
            return {"type": "Point", "coordinates": list(self.point)}
        if self.ring is not None:
            return {"type": "Polygon", "coordinates": [[list(p) for p in self.ring]]}
        assert self.line is not None
        return {"type": "LineString", "coordinates": [list(p) for p in self.line]}


def ring_from(center: LonLat, enu: list[tuple[float, float]], ccw: bool = True) -> list[LonLat]:
    """Closed ring through the points at the given (east, north) offsets; oriented CCW (outer) or CW (hole)."""
    pts = [rnd(offset(center, e, n)) for e, n in enu]
    pts.append(pts[0])
    if (signed_area(pts) > 0) != ccw:
        pts.reverse()
    for a, b in zip(pts, pts[1:]):
        assert inverse_m(a, b) < 300.0, "edges must stay under 300 m"
    return pts


def closed(pts: list[LonLat]) -> list[LonLat]:
    ring = [rnd(p) for p in pts]
    ring.append(ring[0])
    if signed_area(ring) < 0:
        ring.reverse()
    return ring


def edge_normal_point(a: LonLat, b: LonLat, along_m: float | None, out_m: float) -> tuple[LonLat, LonLat]:
    """Foot point on edge a->b (at along_m from a, or the midpoint) and the point out_m from it along the
    geodesic normal to the right of travel (outward for a CCW outer ring and for a CW hole)."""
    line = G.InverseLine(a[1], a[0], b[1], b[0])
    s = line.s13 / 2.0 if along_m is None else along_m
    r = line.Position(s)
    foot = (r["lon2"], r["lat2"])
    return foot, direct(foot, r["azi2"] + 90.0, out_m)[0]


def point_on_edge_at(a: LonLat, b: LonLat, target: LonLat, dist_m: float, s_lo: float, s_hi: float) -> LonLat:
    """Point on edge a->b (arc length in [s_lo, s_hi]) whose distance to target is dist_m (bisection)."""
    line = G.InverseLine(a[1], a[0], b[1], b[0])

    def at(s: float) -> LonLat:
        r = line.Position(s)
        return (r["lon2"], r["lat2"])

    g_lo = inverse_m(at(s_lo), target) - dist_m
    g_hi = inverse_m(at(s_hi), target) - dist_m
    assert (g_lo > 0) != (g_hi > 0), "no sign change"
    for _ in range(200):
        mid = 0.5 * (s_lo + s_hi)
        g_mid = inverse_m(at(mid), target) - dist_m
        if (g_mid > 0) == (g_lo > 0):
            s_lo, g_lo = mid, g_mid
        else:
            s_hi = mid
        if s_hi - s_lo < 1e-9:
            break
    return at(0.5 * (s_lo + s_hi))


def corner(ring: list[LonLat], center: LonLat, east_sign: int, north_sign: int) -> LonLat:
    """The ring vertex farthest in the given quadrant direction from the centre."""

    def score(p: LonLat) -> float:
        return east_sign * (p[0] - center[0]) * math.cos(math.radians(center[1])) + north_sign * (p[1] - center[1])

    return max(ring[:-1], key=score)


def build():
    schools: list[School] = []
    feats: list[Feature] = []
    cases: list[dict] = []

    def at_grid(col: float, row: float) -> LonLat:
        return offset(ORIGIN, 1500.0 * col, 1500.0 * row)

    rect = lambda w, h: [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]  # noqa: E731

    # S01: irregular pentagon; a venue inside, venues at 199.95 m and 200.05 m on two edge normals,
    # and an 'other' shop at 100 m.
    c = at_grid(0, 0)
    outer = ring_from(c, [(-130, -80), (120, -95), (140, 40), (20, 110), (-120, 70)])
    s01 = School("S01", "城关镇第一小学", "primary", "城关镇", polys=[[outer]])
    schools.append(s01)
    feats.append(Feature("V01", "极速网咖", "internet_cafe", "venue", point=rnd(c)))
    cases.append({"case": "venue inside a campus", "school_id": "S01", "feature_id": "V01",
                  "design_m": 0.0})
    edges = list(zip(outer, outer[1:]))
    # the east-most edge and the north-west edge of the pentagon
    e_east = max(edges, key=lambda e: e[0][0] + e[1][0])
    e_nw = max(edges, key=lambda e: (e[0][1] + e[1][1]) - (e[0][0] + e[1][0]) * 0.2)
    _, v = edge_normal_point(*e_east, None, 199.95)
    feats.append(Feature("V02", "星际网吧", "internet_cafe", "venue", point=rnd(v)))
    cases.append({"case": "venue 199.95 m from a boundary edge (edge normal): within 200 m",
                  "school_id": "S01", "feature_id": "V02", "design_m": 199.95})
    _, v = edge_normal_point(*e_nw, None, 200.05)
    feats.append(Feature("V03", "蓝天网咖", "internet_cafe", "venue", point=rnd(v)))
    cases.append({"case": "venue 200.05 m from a boundary edge (edge normal): not within 200 m",
                  "school_id": "S01", "feature_id": "V03", "design_m": 200.05})
    e_south = min(edges, key=lambda e: e[0][1] + e[1][1])
    _, v = edge_normal_point(*e_south, None, 100.0)
    feats.append(Feature("V11", "城关惠民超市", "other", "venue", point=rnd(v)))
    cases.append({"case": "an 'other' shop 100 m away: no rule covers it", "school_id": "S01",
                  "feature_id": "V11", "design_m": 100.0})

    # S02: campus with a hole (a village enclave); a game hall inside the hole, 30 m from the hole's ring.
    c = at_grid(1, 0)
    outer = ring_from(c, rect(260, 240))
    hole = ring_from(c, rect(120, 100), ccw=False)
    schools.append(School("S02", "城关镇第二初级中学", "junior", "城关镇", polys=[[outer, hole]]))
    hole_edges = list(zip(hole, hole[1:]))
    west = min(hole_edges, key=lambda e: e[0][0] + e[1][0])
    _, v = edge_normal_point(*west, None, 30.0)  # right of travel on a CW hole = into the hole
    assert not in_area(v, [[outer, hole]])
    feats.append(Feature("V04", "欢乐电玩城", "game_hall", "venue", point=rnd(v)))
    cases.append({"case": "venue inside the campus's hole: outside the campus, 30 m from the hole's ring",
                  "school_id": "S02", "feature_id": "V04", "design_m": 30.0})

    # S03: MultiPolygon campus (two parts 420 m apart); a lottery outlet 170 m from part B, 250 m from part A.
    c = at_grid(2, 0)
    part_a = ring_from(c, [(-420, -75), (-220, -75), (-220, 75), (-420, 75)])
    part_b = ring_from(c, [(200, -60), (350, -60), (350, 60), (200, 60)])
    schools.append(School("S03", "石桥镇九年一贯制学校", "nine-year", "石桥镇", polys=[[part_a], [part_b]]))
    b_edges = list(zip(part_b, part_b[1:]))
    west = min(b_edges, key=lambda e: e[0][0] + e[1][0])
    _, v = edge_normal_point(*west, None, 170.0)
    feats.append(Feature("V05", "福彩投注站", "lottery", "venue", point=rnd(v)))
    cases.append({"case": "MultiPolygon campus: venue nearest to the second part (170 m; ~250 m from the first)",
                  "school_id": "S03", "feature_id": "V05", "design_m": 170.0,
                  "first_part_m": round(measure(area_shape([[part_a]]), point_shape(rnd(v))).metres, 4)})

    # S04: point-only school (approximate); a KTV 150 m away.
    c = rnd(at_grid(3, 0))
    schools.append(School("S04", "白河乡中心小学", "primary", "白河乡", point=c))
    v, _ = direct(c, 30.0, 150.0)
    feats.append(Feature("V06", "好声音KTV", "ktv", "venue", point=rnd(v)))
    cases.append({"case": "point-only school (approximate): venue 150 m from the point",
                  "school_id": "S04", "feature_id": "V06", "design_m": 150.0})

    # S05: two gates; a KTV 120 m from the boundary, 190 m from gate B, 250 m from gate A.
    c = at_grid(0, 1)
    outer = ring_from(c, rect(240, 180))
    s05 = School("S05", "城关镇实验高级中学", "senior", "城关镇", polys=[[outer]])
    ne, nw = corner(outer, c, 1, 1), corner(outer, c, -1, 1)
    se = corner(outer, c, 1, -1)
    # north edge travelled east -> west (CCW), so its right-hand normal points north (outward)
    foot, v = edge_normal_point(ne, nw, 80.0, 120.0)
    v = rnd(v)
    north_len = inverse_m(ne, nw)
    gate_b = rnd(point_on_edge_at(ne, nw, v, 190.0, 80.0, north_len))
    gate_a = rnd(point_on_edge_at(se, ne, v, 250.0, 0.0, inverse_m(se, ne)))
    s05.gates = [("S05-A", gate_a), ("S05-B", gate_b)]
    schools.append(s05)
    feats.append(Feature("V07", "夜色KTV", "ktv", "venue", point=v))
    cases.append({"case": "gate method: 190 m from gate B, 250 m from gate A, 120 m from the boundary",
                  "school_id": "S05", "feature_id": "V07", "design_m": 120.0,
                  "design_gate_m": {"S05-A": 250.0, "S05-B": 190.0}})

    # S06: a river LineString passing 150 m from the campus's south-east corner (nearest point inside a
    # river segment, the segment perpendicular to the corner's line of sight).
    c = at_grid(1, 1)
    outer = ring_from(c, rect(240, 180))
    schools.append(School("S06", "石桥镇中学", "complete-secondary", "石桥镇", polys=[[outer]]))
    se = corner(outer, c, 1, -1)
    r_pt, az = direct(se, 135.0, 150.0)
    river = [direct(r_pt, az + 90.0 + 180.0, 350.0)[0], direct(r_pt, az + 90.0 + 180.0, 120.0)[0],
             direct(r_pt, az + 90.0, 110.0)[0], direct(r_pt, az + 90.0, 340.0)[0]]
    feats.append(Feature("W01", "白河支流", "river", "water", line=[rnd(p) for p in river]))
    cases.append({"case": "river LineString passing 150 m from the campus (segment interior)",
                  "school_id": "S06", "feature_id": "W01", "design_m": 150.0})

    # S07: a pond whose nearest edge point is 180 m from the campus while its centroid is ~260 m away.
    c = at_grid(2, 1)
    outer = ring_from(c, rect(200, 160))
    schools.append(School("S07", "王村小学", "primary", "王村乡", polys=[[outer]]))
    ne = corner(outer, c, 1, 1)
    p0, az = direct(ne, 30.0, 180.0)
    sa, _ = direct(p0, az - 90.0, 60.0)
    sb, _ = direct(p0, az + 90.0, 60.0)
    na, _ = direct(sa, az, 160.0)
    nb, _ = direct(sb, az, 160.0)
    pond = closed([sa, sb, nb, na])
    feats.append(Feature("W02", "王村东坑塘", "pond", "water", ring=pond))
    centroid, _ = direct(p0, az, 80.0)
    cases.append({"case": "pond crossing the 200 m buffer: nearest edge point 180 m, centroid ~260 m",
                  "school_id": "S07", "feature_id": "W02", "design_m": 180.0,
                  "centroid_distance_m": round(measure(area_shape([[outer]]), point_shape(centroid)).metres, 4)})

    # S08: kindergarten with a KTV 150 m away.
    c = at_grid(3, 1)
    outer = ring_from(c, rect(120, 90))
    schools.append(School("S08", "城关镇中心幼儿园", "kindergarten", "城关镇", polys=[[outer]]))
    edges = list(zip(outer, outer[1:]))
    west = min(edges, key=lambda e: e[0][0] + e[1][0])
    _, v = edge_normal_point(*west, None, 150.0)
    feats.append(Feature("V08", "金嗓子KTV", "ktv", "venue", point=rnd(v)))
    cases.append({"case": "kindergarten with a KTV at 150 m", "school_id": "S08", "feature_id": "V08",
                  "design_m": 150.0})

    # S09: teacher-training school (not covered) with an internet cafe 50 m away.
    c = at_grid(0, 2)
    outer = ring_from(c, rect(200, 150))
    schools.append(School("S09", "县教师进修学校", "not-covered", "城关镇", polys=[[outer]]))
    edges = list(zip(outer, outer[1:]))
    south = min(edges, key=lambda e: e[0][1] + e[1][1])
    _, v = edge_normal_point(*south, None, 50.0)
    feats.append(Feature("V09", "青春网吧", "internet_cafe", "venue", point=rnd(v)))
    cases.append({"case": "not-covered school (教师进修学校) with an internet cafe at 50 m: no finding",
                  "school_id": "S09", "feature_id": "V09", "design_m": 50.0})

    # S10: footprint-polygon venue; nearest vertex 210 m away, nearest edge point 195 m away.
    c = at_grid(1, 2)
    outer = ring_from(c, rect(200, 160))
    schools.append(School("S10", "新区小学", "primary", "新区街道", polys=[[outer]]))
    ne = corner(outer, c, 1, 1)
    m, az = direct(ne, 45.0, 195.0)
    h = math.sqrt(210.0**2 - 195.0**2)
    e1, _ = direct(m, az - 90.0, h)
    e2, _ = direct(m, az + 90.0, h)
    e1f, _ = direct(e1, az, 40.0)
    e2f, _ = direct(e2, az, 40.0)
    footprint = closed([e1, e2, e2f, e1f])
    feats.append(Feature("V10", "金色年华娱乐城", "ktv", "venue", ring=footprint))
    vertex_m = min(measure(area_shape([[outer]]), point_shape(p)).metres for p in footprint[:-1])
    cases.append({"case": "footprint venue: nearest vertex 210 m, nearest edge point 195 m",
                  "school_id": "S10", "feature_id": "V10", "design_m": 195.0,
                  "nearest_vertex_m": round(vertex_m, 4)})

    return schools, feats, cases


# ---------------------------------------------------------------------------------------------------------
# Rule expectations stated by the fixtures (distances do not depend on them)
# ---------------------------------------------------------------------------------------------------------

RULE_NOTES = {
    "V08": {
        "national": "finding: the national entertainment rule covers kindergartens at 200 m (未成年人保护法 "
        "第五十八条 names 学校、幼儿园) and 150 m <= 200 m",
        "guangdong": "no finding: Guangdong sets 100 m for kindergartens (walking, falling back to the gates, "
        "and to the boundary for a school without gates) and 150 m > 100 m",
    },
    "V09": {
        "national": "no finding: 教师进修学校 is not a 中学/小学 (kind not-covered), whatever the distance",
        "guangdong": "no finding (same reason)",
    },
    "V11": {"national": "no finding: category 'other' has no rule", "guangdong": "no finding"},
    "V07": {
        "national": "boundary method: finding at 120 m",
        "guangdong": "walking rule falling back to the gates: finding at 190 m from gate S05-B; measuring from "
        "gate A alone would give 250 m and no finding",
    },
}


def rule_set_findings(path: str, schools: list[School], feats: list[Feature], dist) -> dict:
    """Findings a rule file implies for these fixtures, from the oracle's distances.

    Semantics (as the rule files document them): a rule applies to the listed school kinds and venue
    categories (or water kinds; all when omitted); `walking` is measured by its `fallback` method; `gate`
    falls back to `boundary` for a school without gates; within means d <= distance_m."""
    with open(path, "rb") as fh:
        raw = fh.read()
    rules = tomllib.loads(raw.decode("utf-8"))
    out = []
    for rule in rules.get("rule", []):
        for s in schools:
            if s.kind not in rule.get("schools", []):
                continue
            for f in feats:
                if rule.get("feature") != f.layer:
                    continue
                if f.layer == "venue" and f.cls not in rule.get("categories", []):
                    continue
                if f.layer == "water" and "water_kinds" in rule and f.cls not in rule["water_kinds"]:
                    continue
                method = rule["method"]
                if method == "walking":
                    method = rule.get("fallback")
                    if method is None:
                        continue
                if method == "gate" and not s.gates:
                    method = "boundary"
                d, gate_id = dist(s, f, method)
                if d <= rule["distance_m"]:
                    item = {"school_id": s.id, "feature_id": f.id, "rule_id": rule["id"],
                            "rule_method": rule["method"], "measured_by": method, "limit_m": rule["distance_m"],
                            "distance_m": r6(d), "approximate": s.polys is None}
                    if gate_id is not None:
                        item["gate_id"] = gate_id
                    out.append(item)
    out.sort(key=lambda x: (x["school_id"], x["feature_id"], x["rule_id"]))
    return {"file": os.path.relpath(path, os.path.join(HERE, "..", "..", "..")),
            "sha256": hashlib.sha256(raw).hexdigest(), "findings": out}


# ---------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------


def dump_collection(features: list[dict]) -> str:
    lines = ['{"type":"FeatureCollection","features":[']
    for i, f in enumerate(features):
        sep = "," if i + 1 < len(features) else ""
        lines.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")) + sep)
    lines.append("]}")
    return "\n".join(lines) + "\n"


def write(name: str, text: str) -> None:
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def r6(x: float) -> float:
    return round(x, 6)


def pt(p: LonLat) -> list[float]:
    return [round(p[0], 12), round(p[1], 12)]


def aeqd_cross_check(schools: list[School], feats: list[Feature], pairs: list[dict]) -> float | None:
    """Second, optional opinion for point features: project the school (its geodesic edges densified every
    0.5 m) into PROJ's ellipsoidal azimuthal equidistant projection centred on the feature, where the distance
    from the centre to any point is its geodesic distance, and let shapely measure from the origin.
    Returns the largest disagreement in metres, or None when pyproj/shapely are not installed."""
    try:
        from pyproj import Transformer
        from shapely.geometry import Point, Polygon, MultiPolygon
    except ImportError:
        return None

    def dense(ring: list[LonLat]) -> list[LonLat]:
        out: list[LonLat] = []
        for a, b in zip(ring, ring[1:]):
            line = G.InverseLine(a[1], a[0], b[1], b[0])
            n = max(1, math.ceil(line.s13 / 0.5))
            for i in range(n):
                r = line.Position(line.s13 * i / n)
                out.append((r["lon2"], r["lat2"]))
        out.append(ring[-1])
        return out

    schools_by_id = {s.id: s for s in schools}
    feats_by_id = {f.id: f for f in feats}
    worst = 0.0
    for p in pairs:
        f = feats_by_id[p["feature_id"]]
        s = schools_by_id[p["school_id"]]
        if f.point is None or p["method"] != "boundary":
            continue
        tr = Transformer.from_crs(
            "EPSG:4326", f"+proj=aeqd +lat_0={f.point[1]!r} +lon_0={f.point[0]!r} +ellps=WGS84", always_xy=True)

        def proj(ring: list[LonLat]) -> list[tuple[float, float]]:
            return [tr.transform(x, y) for x, y in dense(ring)]

        if s.polys is None:
            assert s.point is not None
            geom = Point(tr.transform(*s.point))
        else:
            geom = MultiPolygon([Polygon(proj(poly[0]), [proj(h) for h in poly[1:]]) for poly in s.polys])
        worst = max(worst, abs(Point(0.0, 0.0).distance(geom) - p["distance_m"]))
    return worst


def main() -> None:
    schools, feats, cases = build()

    write("schools.geojson", dump_collection([
        {"type": "Feature", "properties": {"id": s.id, "name": s.name, "kind": s.kind, "township": s.township},
         "geometry": s.geometry()} for s in schools]))
    write("venues.geojson", dump_collection([
        {"type": "Feature", "properties": {"id": f.id, "name": f.name, "category": f.cls},
         "geometry": f.geometry()} for f in feats if f.layer == "venue"]))
    write("water.geojson", dump_collection([
        {"type": "Feature", "properties": {"id": f.id, "name": f.name, "kind": f.cls},
         "geometry": f.geometry()} for f in feats if f.layer == "water"]))
    write("gates.geojson", dump_collection([
        {"type": "Feature", "properties": {"id": gid, "school_id": s.id},
         "geometry": {"type": "Point", "coordinates": list(g)}} for s in schools for gid, g in s.gates]))

    # All pairs within LIST_WITHIN_M, boundary method for every school, gate method for gated schools.
    pairs = []
    for s in schools:
        s_shape = s.shape()
        for f in feats:
            m = measure(s_shape, f.shape())
            if m.metres <= LIST_WITHIN_M:
                pairs.append({
                    "school_id": s.id, "feature_type": f.layer, "feature_id": f.id, "method": "boundary",
                    "distance_m": r6(m.metres), "within_200m": m.metres <= 200.0,
                    "approximate": s.polys is None,
                    "school_point": pt(m.school_point), "feature_point": pt(m.feature_point),
                })
            if s.gates:
                per_gate = [(measure(point_shape(g), f.shape()), gid) for gid, g in s.gates]
                gm, gid = min(per_gate, key=lambda t: t[0].metres)
                if gm.metres <= LIST_WITHIN_M:
                    pairs.append({
                        "school_id": s.id, "feature_type": f.layer, "feature_id": f.id, "method": "gate",
                        "gate_id": gid, "distance_m": r6(gm.metres), "within_200m": gm.metres <= 200.0,
                        "approximate": False,
                        "per_gate_m": {g_id: r6(mm.metres) for mm, g_id in per_gate},
                        "school_point": pt(gm.school_point), "feature_point": pt(gm.feature_point),
                    })

    # Verify every designed case against the oracle.
    pair_index = {(p["school_id"], p["feature_id"], p["method"]): p for p in pairs}
    for case in cases:
        p = pair_index[(case["school_id"], case["feature_id"], "boundary")]
        got = p["distance_m"]
        assert abs(got - case["design_m"]) < 1e-4, (case, got)
        case["distance_m"] = got
        if "design_gate_m" in case:
            g = pair_index[(case["school_id"], case["feature_id"], "gate")]
            for gid, want in case["design_gate_m"].items():
                assert abs(g["per_gate_m"][gid] - want) < 1e-4, (case, g)
            case["gate_distance_m"] = g["distance_m"]
        if case["feature_id"] in RULE_NOTES:
            case["rules"] = RULE_NOTES[case["feature_id"]]
    v10 = next(c for c in cases if c["feature_id"] == "V10")
    assert abs(v10["nearest_vertex_m"] - 210.0) < 1e-3, v10
    w02 = next(c for c in cases if c["feature_id"] == "W02")
    assert 255.0 < w02["centroid_distance_m"] < 265.0, w02

    # Findings implied by the shipped rule files (recomputed from the rule files present at generation).
    def dist(s: School, f: Feature, method: str) -> tuple[float, str | None]:
        p = pair_index.get((s.id, f.id, method))
        if p is not None:
            return p["distance_m"], p.get("gate_id")
        return math.inf, None  # farther than LIST_WITHIN_M

    rules_dir = os.path.join(HERE, "..", "..", "..", "data", "rules")
    rule_sets = {}
    for name in ("national", "guangdong"):
        path = os.path.join(rules_dir, f"{name}.toml")
        if os.path.exists(path):
            rule_sets[name] = rule_set_findings(path, schools, feats, dist)

    # GCJ-02 copy of the point venues, and the round trip through the exact inverse.
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(["id", "name", "category", "经度", "纬度"])
    worst = 0.0
    for f in feats:
        if f.layer != "venue" or f.point is None:
            continue
        g = wgs_to_gcj(f.point)
        g_txt = (f"{g[0]:.{GCJ_DIGITS}f}", f"{g[1]:.{GCJ_DIGITS}f}")
        wr.writerow([f.id, f.name, f.cls, g_txt[0], g_txt[1]])
        back = gcj_to_wgs_exact((float(g_txt[0]), float(g_txt[1])))
        worst = max(worst, inverse_m(back, f.point))
        for s in schools:
            key = (s.id, f.id, "boundary")
            if key in pair_index:
                d = measure(s.shape(), point_shape(back)).metres
                assert abs(d - pair_index[key]["distance_m"]) < 1e-4, (key, d)
    assert worst < 1e-5, worst
    write("venues_gcj02.csv", buf.getvalue())

    expected = {
        "description": "Ground truth for the scan fixtures in this folder, computed by make_fixtures.py "
        "(geographiclib 2.1, Karney's geodesics on WGS84; method in README.md). Distances in metres, "
        "accurate to better than 1e-6 m; compare at 1e-4 m.",
        "listing": f"every (school, feature) pair whose distance is <= {LIST_WITHIN_M:.0f} m, for the boundary "
        "method (all schools) and the gate method (schools with gates); pairs not listed are farther apart",
        "within": "d <= limit",
        "gcj02": {
            "file": "venues_gcj02.csv",
            "implementation": "prcoords 1.0.2 wgs_gcj (Krasovsky a = 6378245, e^2 = 0.00669342162296594323), "
            "cross-checked against an own port of the formula (< 1e-12 degree)",
            "omitted": [f.id for f in feats if f.layer == "venue" and f.point is None],
            "round_trip_max_m": float(f"{worst:.3g}"),
            "note": "every point venue, converted back with an exact inverse, lands on the same distances "
            "(within 1e-4 m); V10 is a footprint polygon and has no lon/lat row",
        },
        "cases": cases,
        "rule_sets": {
            "note": "findings each shipped rule file implies for these fixtures (semantics in "
            "make_fixtures.rule_set_findings); regenerate when a rule file changes (sha256 recorded)",
            **rule_sets,
        },
        "pairs": pairs,
    }
    write("expected.json", json.dumps(expected, ensure_ascii=False, indent=1) + "\n")
    check = aeqd_cross_check(schools, feats, pairs)
    if check is not None:
        assert check < 1e-4, check
    print(f"{len(pairs)} pairs written; GCJ-02 round trip <= {worst:.1e} m; "
          + ("AEQD/shapely cross-check not run (pyproj or shapely missing)" if check is None
             else f"AEQD/shapely cross-check max difference {check:.1e} m"))


if __name__ == "__main__":
    main()

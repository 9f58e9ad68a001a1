"""Independent geodesic ground truth for school-to-feature distances (WGS84, Karney's algorithm).

Used by make_fixtures.py (the scan fixtures) and by benches/peers/peers.py (to settle pairs on which
benchmark peers disagree). Needs `geographiclib` (pip install geographiclib==2.1).

* Edges of rings and LineStrings are geodesics between consecutive lon/lat vertices.
* point -> geodesic segment: golden-section search of the Karney inverse distance over the segment's arc
  length down to a 1e-7 m bracket, plus both endpoints.
* containment: even-odd ray test in lon/lat (inside an outer ring and not inside any of its holes); fine for
  edges of a few hundred metres, where a geodesic departs from the lon/lat chord by well under a millimetre.
* shape -> shape: 0 when they overlap (a vertex of one inside the other, or crossing edges), else the minimum
  of vertex -> segment both ways (and point -> point for isolated points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from geographiclib.geodesic import Geodesic

G = Geodesic.WGS84
GOLDEN_TOL_M = 1e-7

LonLat = tuple[float, float]


# ---------------------------------------------------------------------------------------------------------
# Geodesic primitives
# ---------------------------------------------------------------------------------------------------------


def inverse_m(p: LonLat, q: LonLat) -> float:
    """Geodesic distance in metres between two lon/lat points."""
    return G.Inverse(p[1], p[0], q[1], q[0])["s12"]


def direct(p: LonLat, azimuth_deg: float, s_m: float) -> tuple[LonLat, float]:
    """Point reached from p along azimuth for s metres, and the arrival azimuth."""
    r = G.Direct(p[1], p[0], azimuth_deg, s_m)
    return (r["lon2"], r["lat2"]), r["azi2"]


def point_to_segment(p: LonLat, a: LonLat, b: LonLat) -> tuple[float, LonLat]:
    """Distance from p to the geodesic segment a-b, and the nearest point on the segment."""
    line = G.InverseLine(a[1], a[0], b[1], b[0])
    length = line.s13
    if length == 0.0:
        return inverse_m(p, a), a

    def at(s: float) -> LonLat:
        r = line.Position(s, Geodesic.STANDARD | Geodesic.LONG_UNROLL)
        return (r["lon2"], r["lat2"])

    def f(s: float) -> float:
        return inverse_m(p, at(s))

    gr = (math.sqrt(5.0) - 1.0) / 2.0
    lo, hi = 0.0, length
    x1, x2 = hi - gr * (hi - lo), lo + gr * (hi - lo)
    f1, f2 = f(x1), f(x2)
    while hi - lo > GOLDEN_TOL_M:
        if f1 <= f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - gr * (hi - lo)
            f1 = f(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + gr * (hi - lo)
            f2 = f(x2)
    s_mid = 0.5 * (lo + hi)
    best = min(((f(s), s) for s in (0.0, length, s_mid)), key=lambda t: t[0])
    return best[0], at(best[1])


# ---------------------------------------------------------------------------------------------------------
# Planar lon/lat topology (containment and crossings)
# ---------------------------------------------------------------------------------------------------------


def in_ring(p: LonLat, ring: list[LonLat]) -> bool:
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            x_cross = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < x_cross:
                inside = not inside
    return inside


def in_area(p: LonLat, area: list[list[list[LonLat]]]) -> bool:
    """area = list of polygons, each [outer, hole, ...]."""
    return any(in_ring(p, poly[0]) and not any(in_ring(p, h) for h in poly[1:]) for poly in area)


def _orient(a: LonLat, b: LonLat, c: LonLat) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def segments_cross(a: LonLat, b: LonLat, c: LonLat, d: LonLat) -> bool:
    d1, d2 = _orient(c, d, a), _orient(c, d, b)
    d3, d4 = _orient(a, b, c), _orient(a, b, d)
    return (d1 > 0) != (d2 > 0) and (d3 > 0) != (d4 > 0)


def signed_area(ring: list[LonLat]) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


# ---------------------------------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Shape:
    """points: isolated points; segments: geodesic edges; area: polygons for containment."""

    points: list[LonLat] = field(default_factory=list)
    segments: list[tuple[LonLat, LonLat]] = field(default_factory=list)
    area: list[list[list[LonLat]]] = field(default_factory=list)

    def vertices(self) -> list[LonLat]:
        vs = list(self.points)
        for a, b in self.segments:
            vs.append(a)
            vs.append(b)
        return vs


def area_shape(polys: list[list[list[LonLat]]]) -> Shape:
    segs = [(a, b) for poly in polys for ring in poly for a, b in zip(ring, ring[1:])]
    return Shape(segments=segs, area=polys)


def line_shape(coords: list[LonLat]) -> Shape:
    return Shape(segments=list(zip(coords, coords[1:])))


def point_shape(p: LonLat) -> Shape:
    return Shape(points=[p])


@dataclass
class Measured:
    metres: float
    school_point: LonLat
    feature_point: LonLat


def measure(school: Shape, feature: Shape) -> Measured:
    """Oracle distance between a school-side shape and a feature shape (see the module docstring)."""
    # Overlap -> 0.
    for v in feature.vertices():
        if school.area and in_area(v, school.area):
            return Measured(0.0, v, v)
    for v in school.vertices():
        if feature.area and in_area(v, feature.area):
            return Measured(0.0, v, v)
    for a, b in school.segments:
        for c, d in feature.segments:
            if segments_cross(a, b, c, d):
                return Measured(0.0, a, a)
    best: Measured | None = None

    def consider(m: Measured) -> None:
        nonlocal best
        if best is None or m.metres < best.metres:
            best = m

    for p in school.points:
        for q in feature.points:
            consider(Measured(inverse_m(p, q), p, q))
    for v in feature.vertices():
        for a, b in school.segments:
            d, q = point_to_segment(v, a, b)
            consider(Measured(d, q, v))
    for v in school.vertices():
        for c, d_ in feature.segments:
            d, q = point_to_segment(v, c, d_)
            consider(Measured(d, v, q))
    assert best is not None
    return best
